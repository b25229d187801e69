"""PDF signatures (PAdES) on every document the portal issues.

Whoever receives a credit report or a repair decision document can check
offline, with any PAdES validator (Adobe Reader, pyHanko's CLI), that the file
comes from this portal and was not changed: the signature covers the whole
file and is a certification signature that allows no change at all.

The key and certificate come from configuration (`REPORT_SIGNING_KEY`,
`REPORT_SIGNING_CERT`, PEM files); the certificate is published on
/reports/signing-certificate.pem so that validators can be told to trust it.
No time-stamping authority is reachable from here, so the signature is
PAdES B-B: its signing time is the portal's clock, not a TSA's.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import MDPPerm, SigSeedSubFilter

SIGNATURE_FIELD = "PortalSignature"


@functools.lru_cache(maxsize=4)
def _load_signer(key_path: Path, cert_path: Path, passphrase: str) -> signers.SimpleSigner:
    for variable, path in (("REPORT_SIGNING_KEY", key_path), ("REPORT_SIGNING_CERT", cert_path)):
        if not path.is_file():
            raise ImproperlyConfigured(
                f"{variable}: no file at {path}. Issued PDFs are signed: configure a key and certificate "
                "(PEM), or run `manage.py create_demo_signing_pair` for a self-signed demo pair."
            )
    # A certificate file may carry the chain after the signing certificate.
    chain = list(load_certs_from_pemder([str(cert_path)]))[1:]
    signer = signers.SimpleSigner.load(
        key_file=str(key_path),
        cert_file=str(cert_path),
        key_passphrase=passphrase.encode() or None,
        other_certs=chain,
    )
    if signer is None:
        raise ImproperlyConfigured("REPORT_SIGNING_KEY / REPORT_SIGNING_CERT: the key or certificate cannot be read.")
    return signer


def _signer() -> signers.SimpleSigner:
    return _load_signer(
        Path(settings.REPORT_SIGNING_KEY), Path(settings.REPORT_SIGNING_CERT), settings.REPORT_SIGNING_KEY_PASSPHRASE
    )


def signing_certificate_pem() -> bytes:
    """The certificate (and chain) that validators should trust, as configured."""
    _signer()  # fails with the configuration message when it is missing
    return Path(settings.REPORT_SIGNING_CERT).read_bytes()


def sign_pdf(pdf: bytes, *, reason: str, location: str = "") -> bytes:
    """`pdf` with a PAdES certification signature of the portal.

    The one signing function: credit reports and repair decision documents
    both go through it (and `reports.services.signed_pdf_issue`, which keeps
    the SHA-256 of what was handed out).
    """
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
        # A certification signature that permits no change: any edit after
        # issue shows as a modification in every validator.
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    output = signers.sign_pdf(writer, metadata, signer=_signer())
    return output.getvalue()


def demo_pair_create(*, key_path: Path, cert_path: Path, common_name: str, years: int = 5) -> None:
    """A self-signed key and certificate for demonstrations and tests.

    Never for production: nobody but the portal vouches for it. Refuses to
    overwrite an existing file.
    """
    for path in (key_path, cert_path):
        if path.exists():
            raise FileExistsError(f"{path} exists; not overwritten")
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Credit Portal (demo)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
