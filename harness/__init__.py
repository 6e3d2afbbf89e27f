"""The real system stood up for tests and benchmarks alike: the app served by Daphne
against a throw-away database (appserver), and network test hosts in a namespace of
their own (nethosts). The app never imports this package; tests/ and bench/ both do."""
