"""The loaders of the sample city's scenarios, one module a scenario: generated rows (labelled) on the real
geography, written through the scenario's own stores with an audit row. `sample_data.load` runs them in order."""
