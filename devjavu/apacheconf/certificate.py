"""A self-signed certificate for the https port, made on first start."""
import subprocess
from pathlib import Path

from devjavu.apacheconf.render import certificate_paths
from devjavu.settings import Settings

# A server's own certificate, not an authority's: mod_ssl warns at every start about a
# CA certificate (what `openssl req -x509` makes unless told otherwise), and clients
# check the names and the purpose.
LEAF_EXTENSIONS = ("basicConstraints=critical,CA:FALSE",
                   "keyUsage=critical,digitalSignature,keyEncipherment",
                   "extendedKeyUsage=serverAuth")


def _openssl(*args: str) -> str:
    return subprocess.run(["openssl", *args], check=True, capture_output=True,
                          text=True).stdout


def made_by_an_older_release(certificate: Path, server_name: str) -> bool:
    """Whether `certificate` is the one that releases before the leaf certificate made:
    signed by itself, for CN=<server_name> and localhost, and marked CA. An operator's
    certificate (issued by an authority, or for other names) is never replaced."""
    text = _openssl("x509", "-in", str(certificate), "-noout", "-issuer", "-subject",
                    "-ext", "basicConstraints,subjectAltName")
    ours = f"CN = {server_name}"
    return (f"issuer={ours}\n" in text and f"subject={ours}\n" in text
            and "CA:TRUE" in text and "DNS:localhost" in text)


def ensure_certificate(settings: Settings) -> None:
    certificate, key = certificate_paths(settings)
    if certificate.exists() and key.exists() and not made_by_an_older_release(
            certificate, settings.server_name):
        return
    names = sorted({settings.server_name, "localhost", "127.0.0.1"})
    san = ",".join(f"IP:{n}" if n.replace(".", "").isdigit() else f"DNS:{n}" for n in names)
    extensions = [f"subjectAltName={san}", *LEAF_EXTENSIONS]
    temp_key, temp_certificate = key.with_suffix(".key.tmp"), certificate.with_suffix(".tmp")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
             "-subj", f"/CN={settings.server_name}",
             *(arg for extension in extensions for arg in ("-addext", extension)),
             "-keyout", str(temp_key), "-out", str(temp_certificate))
    temp_key.chmod(0o600)
    temp_key.replace(key)
    temp_certificate.replace(certificate)
