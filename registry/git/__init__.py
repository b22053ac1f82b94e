"""History and sharing: the repository, revisions, log, filing, lock and sync."""
