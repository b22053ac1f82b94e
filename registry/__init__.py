"""todokede's core: the schema, the files on disk, git, access and views. No Textual."""
