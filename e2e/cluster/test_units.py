"""Node shim pure parts, without a cluster: $(VAR) expansion, mount path rewriting, the atomic volume
writer, the image map and the kubeconfig reader."""

import os
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hack", "nodeshim"))

from envresolve import ConfigError, expand  # noqa: E402
from kubeclient import load_kubeconfig  # noqa: E402
from podruntime import ImageMap, PodRuntime  # noqa: E402
from volumes import write_atomic  # noqa: E402


def read(path):
    with open(path, "rb") as f:
        return f.read()


class ExpandTests(unittest.TestCase):
    def test_defined_undefined_and_escaped(self):
        env = {"POD_IP": "127.0.1.7", "PORT": "8080"}
        self.assertEqual(expand("--listen=$(POD_IP):$(PORT)", env), "--listen=127.0.1.7:8080")
        self.assertEqual(expand("$(MISSING)/x", env), "$(MISSING)/x")
        self.assertEqual(expand("$$(POD_IP) costs $$5", env), "$(POD_IP) costs $5")


class RewriteTests(unittest.TestCase):
    def test_whole_path_components_only(self):
        mounts = {"/etc/relay": "/p/rootfs/etc/relay", "/etc/relay/keys": "/p/rootfs/etc/relay/keys"}
        rw = lambda s: PodRuntime.rewrite(None, s, mounts)  # noqa: E731
        self.assertEqual(rw("--config=/etc/relay/config.yaml"), "--config=/p/rootfs/etc/relay/config.yaml")
        self.assertEqual(rw("/etc/relay/keys/a"), "/p/rootfs/etc/relay/keys/a")
        self.assertEqual(rw("/etc/relay"), "/p/rootfs/etc/relay")
        self.assertEqual(rw("/etc/relayd/x"), "/etc/relayd/x")
        self.assertEqual(rw("/opt/etc/relay"), "/opt/etc/relay")
        self.assertEqual(rw("a:/etc/relay,b"), "a:/p/rootfs/etc/relay,b")


class AtomicWriterTests(unittest.TestCase):
    def test_update_swaps_data_and_removes_stale_names(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertTrue(write_atomic(d, {"a": (b"1", None), "b": (b"2", None)}, 0o644))
            self.assertFalse(write_atomic(d, {"a": (b"1", None), "b": (b"2", None)}, 0o644))
            first = os.readlink(os.path.join(d, "..data"))
            self.assertTrue(write_atomic(d, {"a": (b"3", 0o600)}, 0o644))
            self.assertNotEqual(os.readlink(os.path.join(d, "..data")), first)
            self.assertEqual(read(os.path.join(d, "a")), b"3")
            self.assertEqual(os.stat(os.path.join(d, "a")).st_mode & 0o777, 0o600)
            self.assertFalse(os.path.lexists(os.path.join(d, "b")))
            self.assertFalse(os.path.exists(os.path.join(d, first)), "old data dir must be removed")

    def test_reader_never_sees_a_mix(self):
        with tempfile.TemporaryDirectory() as d:
            write_atomic(d, {"x": (b"0", None), "y": (b"0", None)}, 0o644)
            stop = threading.Event()
            mixed = []

            def reader():
                while not stop.is_set():
                    try:
                        data = os.path.join(d, os.readlink(os.path.join(d, "..data")))
                        x = read(os.path.join(data, "x"))
                        y = read(os.path.join(data, "y"))
                    except OSError:
                        continue  # the old dir was removed between readlink and open: a retry, not a mix
                    if x != y:
                        mixed.append((x, y))

            t = threading.Thread(target=reader)
            t.start()
            for i in range(1, 200):
                v = str(i).encode()
                write_atomic(d, {"x": (v, None), "y": (v, None)}, 0o644)
            stop.set()
            t.join(5)
            self.assertEqual(mixed, [])


class ImageMapTests(unittest.TestCase):
    def test_directory_entry_resolves_command_basename(self):
        with tempfile.TemporaryDirectory() as d:
            binary = os.path.join(d, "relay-server")
            with open(binary, "w") as f:
                f.write("#!/bin/sh\n")
            os.chmod(binary, 0o755)
            m = ImageMap({"ghcr.io/peerrelay/peerrelay:*": d + "/"})
            argv, path = m.argv({"name": "c", "image": "ghcr.io/peerrelay/peerrelay:v1",
                                 "command": ["/usr/local/bin/relay-server"], "args": ["--port", "1"]})
            self.assertEqual(argv, [binary, "--port", "1"])
            m2 = ImageMap({"ghcr.io/peerrelay/peerrelay:*": binary})
            self.assertEqual(m2.argv({"name": "c", "image": "ghcr.io/peerrelay/peerrelay:v1", "args": ["x"]})[0],
                             [binary, "x"])

    def test_unmapped_image_and_missing_binary_are_clear_errors(self):
        m = ImageMap({"known:*": "/nonexistent-dir-xyz/"})
        with self.assertRaisesRegex(ConfigError, "not in the image map"):
            m.argv({"name": "c", "image": "other:1", "command": ["no-such-binary-xyz"]})
        with self.assertRaisesRegex(ConfigError, "no entrypoint"):
            m.argv({"name": "c", "image": "other:1"})
        self.assertEqual(m.argv({"name": "c", "image": "busybox", "command": ["/bin/sleep", "1"]})[0],
                         ["/bin/sleep", "1"])


class KubeconfigTests(unittest.TestCase):
    def test_reads_token_kubeconfig_and_rejects_incomplete(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "kc")
            with open(p, "w") as f:
                f.write("clusters:\n- name: x\n  cluster:\n    server: https://127.0.0.1:6443\n"
                        "    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: \"abc\"\n")
            self.assertEqual(load_kubeconfig(p), ("https://127.0.0.1:6443", None, "abc", True))
            with open(p, "w") as f:
                f.write("clusters:\n- cluster:\n    server: https://127.0.0.1:6443\n")
            with self.assertRaises(SystemExit) as cm:
                load_kubeconfig(p)
            self.assertIn("token", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
