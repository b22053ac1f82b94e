"""Who may change what: the [access] table, the pre-receive hook and the audit."""
