"""One of Subversion's own cmdline suites against a DevjaVu site: run by run.py as the
site's run user, with /usr/bin/python3, in the suite's directory. Not a pytest module.

usage: suite.py public|private SUITE [the suite's own options and test numbers]

The suite puts its repositories where the site's /svn serves them (svn-test-work/...
would not be under /svn) and gives each one a conf/authz like a DevjaVu project's: the
suite's two users may write; in public mode anyone may read.
"""
import hashlib
import os
import runpy
import sys
from urllib.parse import urlparse

AUTHZ = {
    "public": "[/]\n* = r\njrandom = rw\njconstant = rw\n",
    "private": "[/]\njrandom = rw\njconstant = rw\n",
}


def trust_ssl_cert(config_dir, certificate, url):
    """svntest's own, which hashes a str and so fails under Python 3: the config dir
    trusts `certificate` for `url` despite its unknown issuer (failure 8)."""
    with open(certificate) as f:
        body = "".join(line.strip() for line in f.readlines()[1:-1])
    parsed = urlparse(url)
    realm = f"{parsed.scheme}://{parsed.netloc}"
    directory = os.path.join(config_dir, "auth", "svn.ssl.server")
    os.makedirs(directory, exist_ok=True)
    entry = (f"K 10\nascii_cert\nV {len(body)}\n{body}\nK 8\nfailures\nV 1\n8\n"
             f"K 15\nsvn:realmstring\nV {len(realm)}\n{realm}\nEND\n")
    with open(os.path.join(directory, hashlib.md5(realm.encode()).hexdigest()), "w") as f:
        f.write(entry)


def main() -> None:
    mode, suite, *suite_args = sys.argv[1:]
    # The suite's option parser takes its defaults from sys.argv as it is imported.
    sys.argv = [f"{suite}.py", *suite_args]
    sys.path.insert(0, os.getcwd())
    import svntest.main

    # "svn" here is a link to the site's repositories directory, so a repository's URL,
    # which the suite makes from its relative path, is the site's /svn/<name>.
    svntest.main.general_repo_dir = "svn"
    svntest.main.pristine_greek_repos_dir = os.path.join("svn", "pristine-greek")
    svntest.main.pristine_trojan_repos_dir = os.path.join("svn", "pristine-trojan")
    create_repos = svntest.main.create_repos

    def create_repos_with_authz(path, minor_version=None):
        create_repos(path, minor_version)
        with open(os.path.join(path, "conf", "authz"), "w") as authz:
            authz.write(AUTHZ[mode])

    svntest.main.create_repos = create_repos_with_authz
    svntest.main.trust_ssl_cert = trust_ssl_cert
    create_config_dir = svntest.main.create_config_dir

    def create_config_dir_trusting_the_site(config_dir, config_contents=None,
                                            server_contents=None, ssl_cert=None,
                                            ssl_url=None, *rest, **named):
        # A test that makes a config dir of its own would not trust the site's https.
        options = svntest.main.options
        create_config_dir(config_dir, config_contents, server_contents,
                          ssl_cert or options.ssl_cert, ssl_url or options.test_area_url,
                          *rest, **named)

    svntest.main.create_config_dir = create_config_dir_trusting_the_site
    runpy.run_path(f"{suite}.py", run_name="__main__")


if __name__ == "__main__":
    main()
