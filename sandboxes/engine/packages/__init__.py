"""Package environments: installing the packages a run asks for, once, into a cached,
content-addressed, read-only folder that every run asking for the same set mounts.

    specs.py      what a package spec may be, its normal form (before anything runs), and
                  its name
    store.py      the cache folder: keys, locks, last use, size, least-recently-used pruning
    manifest.py   what a built environment holds: each package's version, when, its size
    network.py    the install sandbox's network: slirp4netns, with private addresses blocked
    installer.py  one install in a sandbox (uv for Python, npm for Node.js)
    manager.py    the engine's entry point: a ready environment for a run, built at most once

Deliberately empty of imports: spec.py validates packages with specs.py, and the rest of
the package imports modules that import spec.py.
"""
