import sys

from server.cli import main

if __name__ == "__main__":  # not when a child process (server.infra.offload) imports this module
    sys.exit(main())
