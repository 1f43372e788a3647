#!/usr/bin/env python3
"""The mnl Jupyter kernel, driven by jupyter_client as JupyterLab drives it.

    python3 Tests/jupyter/test_kernel.py path/to/mnl

Installs the kernelspec into a temporary prefix (`mnl kernel install --prefix`), starts the
kernel from it and checks: kernel_info, execute with each output kind (stream, execute_result
with HTML, display_data with PNG and SVG, progress updates in place), a syntax error's
traceback, complete, inspect, is_complete, history, interrupting a cell that loops forever
(the state stays), input over the stdin channel, restart (the state goes) and shutdown.
"""
import base64
import os
import zlib
import struct
import subprocess
import sys
import tempfile
import time
import unittest

MNL = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else None
TIMEOUT = 30

try:
    from jupyter_client.manager import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
except ImportError:
    KernelManager = None


def png_size(data):
    raw = base64.b64decode(data)
    assert raw[:8] == b"\x89PNG\r\n\x1a\n", raw[:8]
    assert raw[12:16] == b"IHDR"
    return struct.unpack(">II", raw[16:24])


def png_pixels(data):
    """Decodes mnl's 8-bit grey/RGB PNGs with Python's zlib: (width, height, channels, rows).
    Checks every chunk's CRC; mnl writes filter type 0 (none) on every row."""
    raw = base64.b64decode(data)
    pos, idat, header = 8, b"", None
    while pos < len(raw):
        length, kind = struct.unpack(">I4s", raw[pos:pos + 8])
        body = raw[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", raw[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (0, 2) and interlace == 0, header
    channels = 1 if colour == 0 else 3
    data = zlib.decompress(idat)
    stride = width * channels + 1
    assert len(data) == stride * height
    assert all(data[r * stride] == 0 for r in range(height))
    return width, height, channels, [data[r * stride + 1:(r + 1) * stride] for r in range(height)]


class KernelTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        prefix = os.path.join(cls.tmp.name, "prefix")
        out = subprocess.run([MNL, "kernel", "install", "--prefix", prefix], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        kernels = os.path.join(prefix, "share", "jupyter", "kernels")
        spec = KernelSpecManager(kernel_dirs=[kernels]).get_kernel_spec("mnl")
        assert spec.argv[1:] == ["kernel", "-f", "{connection_file}"], spec.argv
        assert spec.interrupt_mode == "signal"
        cls.km = KernelManager(kernel_name="mnl")
        cls.km.kernel_spec_manager = KernelSpecManager(kernel_dirs=[kernels])
        cls.km.start_kernel(cwd=cls.tmp.name)
        cls.kc = cls.km.client()
        cls.kc.start_channels()
        cls.kc.wait_for_ready(timeout=TIMEOUT)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=False)
        assert not cls.km.is_alive()
        cls.tmp.cleanup()

    def run_cell(self, code, **kwargs):
        """Executes code; returns (reply content, iopub messages of this request)."""
        msg_id = self.kc.execute(code, **kwargs)
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        outputs = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
            outputs.append(msg)
        return reply["content"], outputs

    def of_type(self, outputs, kind):
        return [m["content"] for m in outputs if m["msg_type"] == kind]

    def test_kernel_info(self):
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["content"]["protocol_version"], "5.3")
        self.assertEqual(reply["content"]["language_info"]["name"], "mnl")
        self.assertEqual(reply["content"]["language_info"]["file_extension"], ".mnl")

    def test_stream_and_result(self):
        reply, outputs = self.run_cell('a = 20\nprint("hello", a)\na * 2 + 2')
        self.assertEqual(reply["status"], "ok")
        self.assertEqual("".join(c["text"] for c in self.of_type(outputs, "stream")), "hello 20\n")
        results = self.of_type(outputs, "execute_result")
        self.assertEqual(len(results), 1)
        self.assertEqual(results[0]["data"]["text/plain"], "42")
        self.assertEqual(results[0]["execution_count"], reply["execution_count"])
        self.assertEqual(len(self.of_type(outputs, "execute_input")), 1)

    def test_tensor_value_has_an_html_table(self):
        reply, outputs = self.run_cell("t = tensor([[1.0, 2.0], [3.0, 5.0]])\nt")
        self.assertEqual(reply["status"], "ok")
        data = self.of_type(outputs, "execute_result")[0]["data"]
        self.assertIn("[[1, 2],", data["text/plain"].replace(".", "").replace(" ", " "))
        html = data["text/html"]
        self.assertIn("<table", html)
        self.assertIn("2.75", html)  # the mean of 1, 2, 3, 5

    def test_images_and_plots_are_rich_outputs(self):
        reply, outputs = self.run_cell(
            "show(zeros([28, 28]))\n"
            "show([zeros([28, 28]), ones([28, 28]), zeros([28, 28, 3])], scale: 2)\n"
            'plot([1, 2, 3], [1, 4, 9], label: "squares", title: "growth")\n'
            "hist([1, 2, 2, 3, 3, 3], bins: 3)\n")
        self.assertEqual(reply["status"], "ok", reply)
        displays = self.of_type(outputs, "display_data")
        self.assertEqual(len(displays), 4)
        # One 28x28 digit scaled up; a 2x2 grid (2-pixel gaps) of three images at scale 2.
        self.assertEqual(png_size(displays[0]["data"]["image/png"]), (28 * 7, 28 * 7))
        self.assertEqual(png_size(displays[1]["data"]["image/png"]), ((2 * 28 + 3 * 2) * 2,) * 2)
        # Pixels, decoded independently: the zeros image is black; in the grid (RGB because one
        # image is), the second image (ones) is white and the gaps are mid-grey (128).
        width, height, channels, rows = png_pixels(displays[0]["data"]["image/png"])
        self.assertEqual((width, height, channels), (196, 196, 1))
        self.assertTrue(all(b == 0 for row in rows for b in row))
        width, height, channels, rows = png_pixels(displays[1]["data"]["image/png"])
        self.assertEqual(channels, 3)
        self.assertEqual(rows[0][:3], bytes([128, 128, 128]))
        second = (2 + 28 + 2 + 5) * 2  # a pixel inside the second image
        self.assertEqual(rows[10 * 2][second * 3:second * 3 + 3], bytes([255, 255, 255]))
        self.assertEqual(rows[10 * 2][10 * 2 * 3:10 * 2 * 3 + 3], bytes([0, 0, 0]))
        self.assertIn("<svg", displays[2]["data"]["image/svg+xml"])
        self.assertIn("growth", displays[2]["data"]["image/svg+xml"])
        self.assertIn("<rect", displays[3]["data"]["image/svg+xml"])
        for d in displays:
            self.assertIn("text/plain", d["data"])

    def test_progress_bar_updates_in_place(self):
        reply, outputs = self.run_cell(
            'bar = progress_bar(3, label: "steps")\nfor i in 0..3 { bar.update(i + 1) }\nbar.finish()')
        self.assertEqual(reply["status"], "ok")
        first = self.of_type(outputs, "display_data")
        self.assertEqual(len(first), 1)
        display_id = first[0]["transient"]["display_id"]
        updates = self.of_type(outputs, "update_display_data")
        self.assertTrue(updates)
        self.assertTrue(all(u["transient"]["display_id"] == display_id for u in updates))
        self.assertIn("3/3", updates[-1]["data"]["text/plain"])

    def test_error_has_the_located_diagnostic_as_traceback(self):
        reply, outputs = self.run_cell("x = (1 +")
        self.assertEqual(reply["status"], "error")
        errors = self.of_type(outputs, "error")
        self.assertEqual(len(errors), 1)
        traceback = errors[0]["traceback"]
        self.assertRegex(traceback[0], r"^<cell \d+>:1:\d+: error: ")
        self.assertEqual(traceback[1], "x = (1 +")
        self.assertTrue(traceback[2].strip() == "^", traceback)
        self.assertEqual(reply["traceback"], traceback)

    def test_complete(self):
        self.run_cell("learning_rate = 0.1")
        reply = self.kc.complete("learn", 5, reply=True, timeout=TIMEOUT)["content"]
        self.assertEqual(reply["status"], "ok")
        self.assertIn("learning_rate", reply["matches"])
        self.assertEqual((reply["cursor_start"], reply["cursor_end"]), (0, 5))
        reply = self.kc.complete("y = soft", 8, reply=True, timeout=TIMEOUT)["content"]
        self.assertIn("softmax", reply["matches"])
        self.assertEqual(reply["cursor_start"], 4)
        reply = self.kc.complete(":ti", 3, reply=True, timeout=TIMEOUT)["content"]
        self.assertEqual(reply["matches"], [":time"])

    def test_inspect(self):
        reply = self.kc.inspect("print(x)", 2, reply=True, timeout=TIMEOUT)["content"]
        self.assertTrue(reply["found"])
        self.assertIn("print(", reply["data"]["text/plain"])
        reply = self.kc.inspect("no_such_name_here", 3, reply=True, timeout=TIMEOUT)["content"]
        self.assertFalse(reply["found"])
        # A stdlib function written in mnl shows its doc comment, even before `use "optim"`.
        reply = self.kc.inspect("adam(params)", 2, reply=True, timeout=TIMEOUT)["content"]
        self.assertTrue(reply["found"])
        text = reply["data"]["text/plain"]
        self.assertIn("adam(params, lr = 0.001", text)
        self.assertIn("bias-corrected first and second moments", text)
        self.assertIn('use "optim" loads it', text)

    def test_is_complete(self):
        def status(code):
            msg_id = self.kc.is_complete(code)
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
            self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
            return reply["content"]["status"]
        self.assertEqual(status("x = 1"), "complete")
        self.assertEqual(status("fn f(x) {"), "incomplete")
        self.assertEqual(status("x = [1, 2"), "incomplete")
        self.assertEqual(status("x = )"), "invalid")

    def test_repl_commands_work_in_cells(self):
        self.run_cell("weights = zeros([3, 4])")
        reply, outputs = self.run_cell(":vars")
        self.assertEqual(reply["status"], "ok")
        text = "".join(c["text"] for c in self.of_type(outputs, "stream"))
        self.assertRegex(text, r"weights\s+tensor\s+\[3, 4\] f32")
        reply, outputs = self.run_cell(":time 1 + 1")
        self.assertEqual(self.of_type(outputs, "execute_result")[0]["data"]["text/plain"], "2")
        self.assertIn("time: ", "".join(c["text"] for c in self.of_type(outputs, "stream")))
        reply, outputs = self.run_cell(":help relu")
        self.assertIn("relu(", "".join(c["text"] for c in self.of_type(outputs, "stream")))

    def test_history(self):
        self.run_cell("history_marker = 7")
        reply = self.kc.history(hist_access_type="tail", n=50, reply=True, timeout=TIMEOUT)["content"]
        self.assertEqual(reply["status"], "ok")
        self.assertIn("history_marker = 7", [entry[2] for entry in reply["history"]])

    def test_input_goes_through_the_stdin_channel(self):
        msg_id = self.kc.execute('name = input("who? ")\nprint("hi " + name)', allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual(request["content"]["prompt"], "who? ")
        self.kc.input("mnl")
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "ok")

    def test_cells_queued_behind_an_error_are_aborted(self):
        first = self.kc.execute('t0 = time()\nwhile time() - t0 < 0.5 { }\nerror("stop here")')
        second = self.kc.execute("never_set = 1")  # queued while the first one runs
        replies = {}
        while len(replies) < 2:
            reply = self.kc.get_shell_msg(timeout=TIMEOUT)
            replies[reply["parent_header"]["msg_id"]] = reply["content"]
        self.assertEqual(replies[first]["status"], "error")
        self.assertEqual(replies[first]["evalue"], "stop here")
        self.assertEqual(replies[second]["status"], "aborted")
        reply, _ = self.run_cell("never_set")
        self.assertEqual(reply["status"], "error")

    def test_z1_interrupt_keeps_the_state(self):
        self.run_cell("kept = 123")
        msg_id = self.kc.execute("n = 0\nwhile true { n = n + 1 }")
        # Wait until the loop runs (its execute_input has gone out), then interrupt.
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_input":
                break
        time.sleep(0.5)
        start = time.monotonic()
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        elapsed = time.monotonic() - start
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        self.assertIn("interrupted", reply["content"]["evalue"])
        print(f"\n  interrupt to reply: {elapsed * 1000:.0f} ms", file=sys.stderr)
        reply, outputs = self.run_cell("kept + 1")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(self.of_type(outputs, "execute_result")[0]["data"]["text/plain"], "124")
        reply, outputs = self.run_cell("n > 0")
        self.assertEqual(self.of_type(outputs, "execute_result")[0]["data"]["text/plain"], "true")

    def test_z2_restart_clears_the_state(self):
        self.run_cell("before_restart = 1")
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=TIMEOUT)
        reply, outputs = self.run_cell("before_restart")
        self.assertEqual(reply["status"], "error")
        self.assertIn("unknown name 'before_restart'", reply["evalue"])
        reply, _ = self.run_cell("1 + 1")
        self.assertEqual(reply["status"], "ok")
        self.assertEqual(reply["execution_count"], 2)


if __name__ == "__main__":
    if MNL is None or not os.access(MNL, os.X_OK):
        print("usage: test_kernel.py path/to/mnl", file=sys.stderr)
        sys.exit(2)
    if KernelManager is None:
        print("jupyter_client is missing: pip install jupyter_client (scripts/setup does)", file=sys.stderr)
        sys.exit(1)
    unittest.main(verbosity=2)
