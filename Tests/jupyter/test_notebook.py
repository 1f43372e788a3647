#!/usr/bin/env python3
"""`mnl notebook` exports, checked with Jupyter's own tools.

    python3 Tests/jupyter/test_notebook.py path/to/mnl

- an exported notebook with every output kind validates with nbformat and converts to HTML
  with `jupyter nbconvert --to html` (its SVG plot and PNG image inline);
- `--no-execute` writes cells without outputs, and `jupyter nbconvert --to notebook --execute`
  runs that notebook on the mnl kernel (kernelspec from `mnl kernel install --prefix`);
- scripts/train.mnl (a few steps on Fashion-MNIST) exports to a valid notebook whose learning
  curves are SVG, and renders to HTML with them.
"""
import base64
import re
import os
import subprocess
import sys
import tempfile
import unittest

MNL = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else None
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FASHION = "/usr/share/datasets/fashion-mnist"

try:
    import nbformat
except ImportError:
    nbformat = None

SCRIPT = """\
# A notebook with every kind of output.

#%% Values
x = tensor([[1.0, 2.0], [3.0, 4.0]])
print("printed")
x

#%% Pictures
plot([1, 2, 3], [[1, 4, 9], [1, 2, 3]], label: ["squares", "line"], title: "two series")
show(zeros([28, 28]))
bar = progress_bar(4, label: "steps")
for i in 0..4 { bar.update(i + 1) }
bar.finish()

#%% An error
y = x +
"""


def inline_svgs(html_path):
    """mnl's SVG figures that nbconvert's HTML embeds as base64 data URLs (not its CSS icons)."""
    with open(html_path) as f:
        html = f.read()
    found = re.findall(r'data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)', html)
    svgs = [base64.b64decode(b).decode(errors="replace") for b in found]
    return [svg for svg in svgs if '<g class="panel">' in svg]


def outputs_of(cell):
    return [o["output_type"] for o in cell.get("outputs", [])]


class NotebookExportTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.script = os.path.join(self.dir, "demo.mnl")
        with open(self.script, "w") as f:
            f.write(SCRIPT)

    def tearDown(self):
        self.tmp.cleanup()

    def mnl(self, *args, expect=0):
        run = subprocess.run([MNL, *args], capture_output=True, text=True, cwd=self.dir, timeout=600)
        self.assertEqual(run.returncode, expect, run.stderr)
        return run

    def test_every_output_kind_validates_and_renders(self):
        path = os.path.join(self.dir, "demo.ipynb")
        run = self.mnl("notebook", self.script, "-o", path, expect=1)
        self.assertIn("demo.mnl:16:", run.stderr)  # the failing cell's diagnostic, located in the script
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        self.assertEqual(nb.nbformat, 4)
        self.assertEqual(nb.nbformat_minor, 5)
        self.assertEqual(nb.metadata.kernelspec.name, "mnl")
        kinds = [c.cell_type for c in nb.cells]
        self.assertEqual(kinds, ["markdown", "markdown", "code", "markdown", "code", "markdown", "code"])
        self.assertEqual(nb.cells[1].source, "## Values")
        values, pictures, error = nb.cells[2], nb.cells[4], nb.cells[6]
        self.assertEqual([values.execution_count, pictures.execution_count, error.execution_count], [1, 2, 3])
        self.assertEqual(outputs_of(values), ["stream", "execute_result"])
        self.assertEqual(values.outputs[0].text, "printed\n")
        self.assertIn("<table", values.outputs[1].data["text/html"])
        self.assertEqual(outputs_of(pictures), ["display_data"] * 3)
        self.assertIn("<svg", pictures.outputs[0].data["image/svg+xml"])
        self.assertIn("image/png", pictures.outputs[1].data)
        # The progress bar's display keeps only its final state.
        self.assertIn("4/4", pictures.outputs[2].data["text/plain"])
        self.assertEqual(outputs_of(error), ["error"])
        self.assertIn("error:", error.outputs[0].traceback[0])

        html = os.path.join(self.dir, "demo.html")
        subprocess.run(["jupyter", "nbconvert", "--to", "html", path, "--output", html],
                       check=True, capture_output=True, timeout=300)
        svgs = inline_svgs(html)
        self.assertEqual(len(svgs), 1)
        self.assertIn("two series", svgs[0])
        with open(html) as f:
            self.assertTrue("data:image/png;base64," in f.read(), "no inline PNG in the HTML")

    def test_no_execute_then_nbconvert_executes_on_the_mnl_kernel(self):
        fixed = os.path.join(self.dir, "ok.mnl")
        with open(fixed, "w") as f:
            f.write(SCRIPT.split("#%% An error")[0])
        path = os.path.join(self.dir, "ok.ipynb")
        self.mnl("notebook", fixed, "-o", path, "--no-execute")
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        self.assertEqual([c.execution_count for c in code], [None, None])
        self.assertEqual([c.outputs for c in code], [[], []])

        prefix = os.path.join(self.dir, "prefix")
        self.mnl("kernel", "install", "--prefix", prefix)
        env = dict(os.environ, JUPYTER_PATH=os.path.join(prefix, "share", "jupyter"))
        executed = os.path.join(self.dir, "executed.ipynb")
        subprocess.run(["jupyter", "nbconvert", "--to", "notebook", "--execute", path, "--output", executed],
                       check=True, capture_output=True, env=env, timeout=300)
        nb = nbformat.read(executed, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        self.assertEqual(outputs_of(code[0]), ["stream", "execute_result"])
        self.assertIn("image/svg+xml", code[1].outputs[0].data)

    def test_train_script_exports_with_svg_curves(self):
        if not os.path.exists(os.path.join(FASHION, "train-images-idx3-ubyte.gz")):
            message = "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist; scripts/setup does it)"
            if os.environ.get("CI"):
                self.fail(message)
            self.skipTest(message)
        path = os.path.join(self.dir, "train.ipynb")
        self.mnl("notebook", os.path.join(REPO, "scripts", "train.mnl"), "-o", path,
                 "steps=200", "every=100", "lr=0.1", f"data={FASHION}", f"out={self.dir}/fashion.safetensors")
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        self.assertGreaterEqual(len(code), 5)
        self.assertTrue(all(c.execution_count for c in code))
        titles = [c.source for c in nb.cells if c.cell_type == "markdown"]
        self.assertIn("## Learning curves", titles)
        svgs = [o.data["image/svg+xml"] for c in code for o in c.outputs if "image/svg+xml" in o.get("data", {})]
        self.assertEqual(len(svgs), 1)
        self.assertIn("Training loss", svgs[0])
        self.assertIn("Validation accuracy", svgs[0])
        text = "".join(o.get("text", "") for c in code for o in c.outputs)
        self.assertIn("test accuracy using average model", text)
        html = os.path.join(self.dir, "train.html")
        subprocess.run(["jupyter", "nbconvert", "--to", "html", path, "--output", html],
                       check=True, capture_output=True, timeout=300)
        svgs = inline_svgs(html)
        self.assertEqual(len(svgs), 1)
        self.assertIn("Validation accuracy", svgs[0])


if __name__ == "__main__":
    if MNL is None or not os.access(MNL, os.X_OK):
        print("usage: test_notebook.py path/to/mnl", file=sys.stderr)
        sys.exit(2)
    if nbformat is None:
        print("nbformat is missing: pip install nbformat nbconvert (scripts/setup does)", file=sys.stderr)
        sys.exit(1)
    unittest.main(verbosity=2)
