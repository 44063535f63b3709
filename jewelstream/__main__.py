"""`python -m jewelstream [--host H] [--port P] [--workers N]`: run.py for an installed wheel."""
from jewelstream.server import main

main()
