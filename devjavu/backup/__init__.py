"""Backups that cannot fill the disk, are root's alone, and restores that check
everything first.

The run user reads the live data, piece by piece, and streams it to root (handover.py,
stream.py), which writes only below the backup directory: into a temporary `.partial-*`
folder, checked, signed with the backup key (signing.py) and renamed into place. A backup
refuses to start when it would leave less free disk than the reserve, and if the disk
fills anyway it removes its partial output. `status.json` in the backup directory
records the last success and failure for /_health. A restore checks the signature and
contents as root before anything is written, then streams the backup to the run user.
"""
