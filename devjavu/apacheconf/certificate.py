"""A self-signed certificate for the https port, made on first start."""
import subprocess

from devjavu.apacheconf.render import certificate_paths
from devjavu.settings import Settings


def ensure_certificate(settings: Settings) -> None:
    certificate, key = certificate_paths(settings)
    if certificate.exists() and key.exists():
        return
    names = sorted({settings.server_name, "localhost", "127.0.0.1"})
    san = ",".join(f"IP:{n}" if n.replace(".", "").isdigit() else f"DNS:{n}" for n in names)
    temp_key, temp_certificate = key.with_suffix(".key.tmp"), certificate.with_suffix(".tmp")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
         "-subj", f"/CN={settings.server_name}", "-addext", f"subjectAltName={san}",
         "-keyout", str(temp_key), "-out", str(temp_certificate)],
        check=True, capture_output=True)
    temp_key.chmod(0o600)
    temp_key.replace(key)
    temp_certificate.replace(certificate)
