"""A run's whole life, from the request that starts it to its end.

Its modules, each importing only those above it:

- database.py     the run path's own database threads;
- events.py       what a run tells the world: live events for watchers (channel layer),
                  signals for observers in this process (operations' metrics and logs);
- transitions.py  queued → preparing → running;
- output.py       output decoded, stored in sequenced chunks and sent in batches;
- reader.py       a run as its watchers read it (the websocket, the API's event stream):
                  replayed from the database, then live, read again when a message says so;
- produced.py     the files a run wrote, kept by the sandbox's rules;
- ending.py       `execution_end`: the one way a run ends, whoever ends it;
- processes.py    which process holds a run, and ending those whose process died;
- stdin.py        an interactive run's input, from its owner to the program;
- pipeline.py     one run from queued to its end, between the database and the engine;
- dispatch/       where runs execute: inline (the web server's loop) or distributed
                  (PostgreSQL jobs taken by workers on any host; dead workers' runs found);
- kill_switch.py  the operators' kill switch: new runs refused while it is on;
- start.py        validate, reserve quota and record the run in one transaction, dispatch;
- cancel.py       stop a run (or end it, when nobody holds it).
"""
