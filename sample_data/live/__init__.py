"""The sample city's live feed: devices reporting, structural sensors' days, 12345 calls replayed, people and
vehicles past the cameras, grid workers acting on their cases, all on the real geography and labelled
generated. `cockpit simulate` (and `cockpit serve` without a broker) runs it; the core never imports it."""
