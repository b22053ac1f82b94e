"""What readers see: diffs, drafts, overview, search, the review clock, display."""
