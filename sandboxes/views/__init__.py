"""The sandbox pages: the list (home), the editor and its panels, and past runs."""
