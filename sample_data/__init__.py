"""The sample city: real Beijing data shipped in this folder plus a seeded generator for what no source gives."""
