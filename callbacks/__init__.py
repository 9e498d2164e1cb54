"""One module per page: thin wiring from inputs to services. Each exposes register(app); the page contract
(cockpit.page.Page.callbacks) names which one a page uses, and `shell` wires what every page shares."""
