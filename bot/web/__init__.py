"""The aiohttp web app: the only public edge (pages, staff dashboard, chat relay)."""
