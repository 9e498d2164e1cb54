"""The drawing floor: one module a page holding its component ids (placed by `pages/`, filled by `callbacks/`)
and the shared kit every page draws with."""
