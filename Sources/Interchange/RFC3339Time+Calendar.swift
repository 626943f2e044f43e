extension RFC3339Time {
    /// The UTC calendar fields of a time, for formats other than RFC 3339 (such as a table's `2026-11-25 08:00Z`).
    public struct UTCFields: Sendable, Hashable {
        /// Year, e.g. 2026.
        public var year: Int
        /// Month, 1–12.
        public var month: Int
        /// Day of the month, 1–31.
        public var day: Int
        /// Hour, 0–23.
        public var hour: Int
        /// Minute, 0–59.
        public var minute: Int
        /// Second, 0–59 (no leap seconds).
        public var second: Int

        /// Fields as given; nothing is normalized.
        public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
            (self.year, self.month, self.day) = (year, month, day)
            (self.hour, self.minute, self.second) = (hour, minute, second)
        }
    }

    /// The UTC calendar fields of this time, its fraction dropped.
    public var utc: UTCFields {
        let whole = Int(seconds.rounded(.down))
        let days = Int((Double(whole) / 86400).rounded(.down))
        let secondOfDay = whole - days * 86400
        let (year, month, day) = Self.civilFromDays(days)
        return UTCFields(
            year: year, month: month, day: day, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60,
            second: secondOfDay % 60)
    }

    /// `yyyy-mm-dd hh:mmZ`: minute precision, for tables read by people.
    public var minuteText: String {
        let fields = utc
        return "\(Self.pad(fields.year, 4))-\(Self.pad(fields.month, 2))-\(Self.pad(fields.day, 2)) "
            + "\(Self.pad(fields.hour, 2)):\(Self.pad(fields.minute, 2))Z"
    }

    // Howard Hinnant's civil-date algorithms (proleptic Gregorian calendar, days since 1970-01-01).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
