import GRDB

extension CoordinatorStore {
    /// Schema migrations, applied in order at open. Never edit a shipped migration; add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE tailnet (
                        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                        id TEXT NOT NULL,
                        name TEXT NOT NULL,
                        netmap_version INTEGER NOT NULL,
                        next_serial INTEGER NOT NULL,
                        address_cursor INTEGER NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE ca_keys (
                        key_id TEXT PRIMARY KEY,
                        public_key BLOB NOT NULL,
                        active INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        trusted_until INTEGER
                    );
                    CREATE TABLE tokens (
                        id TEXT PRIMARY KEY,
                        kind TEXT NOT NULL CHECK (kind IN ('admin', 'relay-publisher')),
                        hash TEXT NOT NULL UNIQUE,
                        description TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        revoked_at INTEGER
                    );
                    CREATE TABLE preauth_keys (
                        id TEXT PRIMARY KEY,
                        hash TEXT NOT NULL UNIQUE,
                        reusable INTEGER NOT NULL,
                        tags TEXT NOT NULL,
                        description TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        revoked_at INTEGER,
                        use_count INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE certificates (
                        serial INTEGER PRIMARY KEY,
                        role TEXT NOT NULL CHECK (role IN ('node', 'relay')),
                        subject_id TEXT NOT NULL,
                        ca_key_id TEXT NOT NULL REFERENCES ca_keys(key_id),
                        issued_at INTEGER NOT NULL,
                        not_after INTEGER NOT NULL,
                        bytes BLOB NOT NULL,
                        revoked_at INTEGER
                    );
                    CREATE INDEX certificates_subject ON certificates(subject_id);
                    CREATE INDEX certificates_revoked ON certificates(revoked_at) WHERE revoked_at IS NOT NULL;
                    CREATE TABLE nodes (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        public_key BLOB NOT NULL UNIQUE,
                        address TEXT NOT NULL UNIQUE,
                        tags TEXT NOT NULL,
                        endpoints TEXT NOT NULL,
                        token_hash TEXT NOT NULL UNIQUE,
                        preauth_key_id TEXT,
                        cert_serial INTEGER NOT NULL REFERENCES certificates(serial),
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE relays (
                        id TEXT PRIMARY KEY,
                        name TEXT NOT NULL,
                        replica INTEGER NOT NULL,
                        public_key BLOB NOT NULL,
                        endpoints TEXT NOT NULL,
                        tags TEXT NOT NULL,
                        labels TEXT NOT NULL,
                        cert_serial INTEGER NOT NULL REFERENCES certificates(serial),
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL,
                        UNIQUE (name, replica)
                    );
                    CREATE TABLE grants (
                        position INTEGER PRIMARY KEY,
                        src TEXT NOT NULL,
                        dst TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-wireguard-key") { db in
            // A node's WireGuard key, bound at registration beside its control key (DESIGN.md §10).
            try db.execute(
                sql: """
                    ALTER TABLE nodes ADD COLUMN wireguard_key BLOB;
                    CREATE UNIQUE INDEX nodes_wireguard_key ON nodes(wireguard_key);
                    """)
        }
        return migrator
    }
}
