"""Backups that cannot fill the disk, and restores that check everything first.

A backup reads the live data and writes only below the backup directory: into a
temporary `.partial-*` folder, renamed into place once complete and verified. It
refuses to start when it would leave less free disk than the reserve, and if the disk
fills anyway it removes its partial output. `status.json` in the backup directory
records the last success and failure for /_health.
"""
