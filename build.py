"""Build the asipack website and leaflets: `python build.py --help` lists the commands."""

from asipack.cli import main

if __name__ == "__main__":
    main()
