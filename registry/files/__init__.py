"""The register on disk: finding, reading in bulk, locating lines, editing with tomlkit."""
