"""Test PKI made with the openssl CLI at test time (never committed).

make_test_pki(dirpath) returns a dict of paths:
  ca                  test CA certificate (what clients trust)
  server_cert/_key    for 127.0.0.1 (IP SAN) and localhost, signed by ca
  expired_cert/_key   same names, signed by ca, validity ended in 2021
  wronghost_cert/_key signed by ca, valid only for wrong.example
  other_ca            a second, unrelated CA
  other_cert/_key     for 127.0.0.1/localhost, signed by other_ca
                      ("unknown CA" tests: the client trusts only ca)
The set is made once per directory; later calls reuse it. Generation
happens in a temporary sibling directory that is renamed into place, so
concurrent callers never see half a PKI.
"""

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile

FILES = {
    "ca": "ca.pem",
    "ca_key": "ca.key",
    "server_cert": "server.pem",
    "server_key": "server.key",
    "expired_cert": "expired.pem",
    "expired_key": "expired.key",
    "wronghost_cert": "wronghost.pem",
    "wronghost_key": "wronghost.key",
    "other_ca": "other-ca.pem",
    "other_ca_key": "other-ca.key",
    "other_cert": "other-server.pem",
    "other_key": "other-server.key",
}

GOOD_SAN = "IP:127.0.0.1,DNS:localhost"


def _run(args, cwd):
    p = subprocess.run(["openssl"] + args, cwd=cwd, capture_output=True,
                       text=True)
    if p.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed:\n{p.stderr}")


def _key(cwd, name):
    # RSA-2048: what AWS endpoints present, and what a trimmed Mbed TLS
    # build will certainly support.
    _run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
          "-out", name], cwd)


def _ca(cwd, stem, cn):
    _key(cwd, f"{stem}.key")
    _run(["req", "-x509", "-new", "-key", f"{stem}.key", "-sha256",
          "-days", "3650", "-subj", f"/O=port-acm tests/CN={cn}",
          "-addext", "basicConstraints=critical,CA:TRUE",
          "-addext", "keyUsage=critical,keyCertSign,cRLSign",
          "-addext", "subjectKeyIdentifier=hash",
          "-out", f"{stem}.pem"], cwd)


def _ext_file(cwd, san):
    path = os.path.join(cwd, "leaf.ext")
    with open(path, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n"
                "subjectKeyIdentifier=hash\n"
                "authorityKeyIdentifier=keyid,issuer\n"
                f"subjectAltName={san}\n")
    return "leaf.ext"


def _leaf(cwd, stem, ca, cn, san, days=3650):
    _key(cwd, f"{stem}.key")
    _run(["req", "-new", "-key", f"{stem}.key", "-subj",
          f"/O=port-acm tests/CN={cn}", "-out", f"{stem}.csr"], cwd)
    _run(["x509", "-req", "-in", f"{stem}.csr", "-CA", f"{ca}.pem",
          "-CAkey", f"{ca}.key", "-CAcreateserial", "-sha256",
          "-days", str(days), "-extfile", _ext_file(cwd, san),
          "-out", f"{stem}.pem"], cwd)


def _expired_leaf(cwd, stem, ca, cn, san):
    # `openssl x509 -req` cannot back-date; `openssl ca` can, given a
    # throw-away database.
    _key(cwd, f"{stem}.key")
    _run(["req", "-new", "-key", f"{stem}.key", "-subj",
          f"/O=port-acm tests/CN={cn}", "-out", f"{stem}.csr"], cwd)
    os.makedirs(os.path.join(cwd, "cadb"), exist_ok=True)
    open(os.path.join(cwd, "cadb", "index.txt"), "w").close()
    with open(os.path.join(cwd, "cadb", "serial"), "w") as f:
        f.write("1000\n")
    with open(os.path.join(cwd, "ca.cnf"), "w") as f:
        f.write(f"""[ca]
default_ca = test
[test]
dir = cadb
database = cadb/index.txt
serial = cadb/serial
new_certs_dir = cadb
certificate = {ca}.pem
private_key = {ca}.key
default_md = sha256
policy = anything
copy_extensions = none
unique_subject = no
[anything]
O = optional
CN = supplied
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = {san}
""")
    _run(["ca", "-batch", "-config", "ca.cnf", "-extensions", "leaf",
          "-startdate", "20200101000000Z", "-enddate", "20210101000000Z",
          "-notext", "-in", f"{stem}.csr", "-out", f"{stem}.pem"], cwd)


def _complete(d):
    return all(os.path.exists(os.path.join(d, f)) for f in FILES.values())


def _paths(d):
    out = {k: os.path.join(d, v) for k, v in FILES.items()}
    out["dir"] = d
    return out


def make_test_pki(dirpath):
    dirpath = os.path.abspath(dirpath)
    if _complete(dirpath):
        return _paths(dirpath)
    parent = os.path.dirname(dirpath)
    os.makedirs(parent, exist_ok=True)
    with open(dirpath + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _complete(dirpath):
            return _paths(dirpath)
        tmp = tempfile.mkdtemp(prefix=".pki-", dir=parent)
        try:
            _ca(tmp, "ca", "port-acm test CA")
            _leaf(tmp, "server", "ca", "127.0.0.1", GOOD_SAN)
            _expired_leaf(tmp, "expired", "ca", "127.0.0.1", GOOD_SAN)
            _leaf(tmp, "wronghost", "ca", "wrong.example", "DNS:wrong.example")
            _ca(tmp, "other-ca", "unrelated test CA")
            _leaf(tmp, "other-server", "other-ca", "127.0.0.1", GOOD_SAN)
            for junk in ("leaf.ext", "ca.cnf"):
                os.remove(os.path.join(tmp, junk))
            shutil.rmtree(os.path.join(tmp, "cadb"))
            if os.path.isdir(dirpath):
                shutil.rmtree(dirpath)
            os.rename(tmp, dirpath)
        finally:
            if os.path.isdir(tmp):
                shutil.rmtree(tmp)
    return _paths(dirpath)


if __name__ == "__main__":
    for k, v in make_test_pki(sys.argv[1] if len(sys.argv) > 1
                              else "build/test-pki").items():
        print(f"{k}={v}")
