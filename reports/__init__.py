"""Reports and exports built from registry objects. No Textual."""
