"""Start the server from the repository: `python run.py [--host H] [--port P] [--workers N]`.

The same as `python -m jewelstream` (which an installed wheel provides); the work is done
by jewelstream/server.py.
"""
from jewelstream.server import main

if __name__ == "__main__":
    main()
