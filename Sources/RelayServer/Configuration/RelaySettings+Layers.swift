public import RelayCore

extension RelaySettings {
    /// These settings, with every field this layer leaves `nil` taken from `lower`.
    public func overriding(_ lower: RelaySettings) -> RelaySettings {
        var merged = self
        for field in RelaySettingField.all {
            field.fill(&merged, from: lower)
        }
        return merged
    }
}
