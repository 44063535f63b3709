"""`python -m jewelstream [--host H] [--port P] [--workers N]`: run.py for an installed wheel."""
from jewelstream.server import main

if __name__ == "__main__":      # not when a --workers process imports this module again
    main()
