"""SageMaker inference entry point: GET /ping and POST /invocations on $SAGEMAKER_BIND_TO_PORT.

Requests carry feature rows without a label, many per request:
  application/x-npy a 2-D NumPy array (np.save), NaN = missing: no parsing, what tickflow sends
  text/csv          one row per line, empty field = missing
  application/json  {"instances": [[...], ...]} or [[...], ...]; null = missing
The response is JSON for an npy request, otherwise the request's type, unless Accept asks for
the other one: text/csv → one line per row; application/json → {"predictions": [...]}.
A quantile model answers every level per row, ascending: a CSV line of values, a JSON list per
row, and the JSON names the levels ({"predictions": [[...], ...], "quantiles": [...]}).
"""
import io
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import xgboost as xgb

import sagemaker_paths as paths
from train import rearranged

MAX_BODY = 6 * 1024 * 1024  # SageMaker's own limit on an invocation payload


class ClientError(Exception):
    pass


class Model:
    def __init__(self):
        self.booster = xgb.Booster()
        self.booster.load_model(paths.MODEL / paths.MODEL_FILE)
        meta_file = paths.MODEL / paths.META_FILE
        meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
        self.features = int(meta.get("features") or self.booster.num_features())
        self.version = meta.get("model_version") or ""
        self.quantiles = meta.get("quantiles") or None
        self.lock = threading.Lock()

    def predict(self, rows: np.ndarray) -> np.ndarray:
        if rows.ndim != 2 or rows.shape[1] != self.features:
            raise ClientError(f"each row needs {self.features} feature values, got {rows.shape[1] if rows.ndim == 2 else 0}")
        with self.lock:  # a Booster is not guaranteed safe to call from several threads at once
            predictions = self.booster.inplace_predict(rows)
        return rearranged(predictions, self.quantiles)


def parse_rows(body: bytes, content_type: str) -> np.ndarray:
    if content_type == "application/x-npy":
        try:
            rows = np.load(io.BytesIO(body), allow_pickle=False)
        except (ValueError, OSError, EOFError) as e:
            raise ClientError(f"malformed npy: {e}")
        if rows.dtype.kind not in "fiu":
            raise ClientError(f"npy rows must hold numbers, got dtype {rows.dtype}")
        return rows.astype(np.float64, copy=False)
    if content_type == "text/csv":
        text = body.decode("utf-8").strip()
        if not text:
            raise ClientError("empty request body")
        try:
            return np.genfromtxt(io.StringIO(text), delimiter=",", dtype=np.float64, ndmin=2)
        except ValueError as e:
            raise ClientError(f"malformed CSV: {e}")
    if content_type == "application/json":
        try:
            doc = json.loads(body)
        except json.JSONDecodeError as e:
            raise ClientError(f"malformed JSON: {e}")
        rows = doc.get("instances") if isinstance(doc, dict) else doc
        if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
            raise ClientError('JSON must be {"instances": [[...], ...]} or a non-empty list of rows')
        try:
            return np.array([[np.nan if v is None else float(v) for v in r] for r in rows], dtype=np.float64)
        except (TypeError, ValueError) as e:
            raise ClientError(f"rows must hold numbers or null: {e}")
    raise ClientError(f"unsupported Content-Type {content_type!r}; use application/x-npy, text/csv or application/json")


def format_predictions(predictions: np.ndarray, accept: str, quantiles=None):
    if accept == "application/json":
        doc = {"predictions": predictions.tolist()}
        if quantiles:
            doc["quantiles"] = quantiles
        return "application/json", json.dumps(doc).encode()
    rows = predictions if predictions.ndim == 2 else predictions.reshape(-1, 1)
    return "text/csv", ("\n".join(",".join(f"{float(v):.10g}" for v in row) for row in rows) + "\n").encode()


def handler_for(model: Model):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes: with Nagle on, the body waits for the client's
        # delayed ACK of the headers (40 ms on Linux) on every kept-alive request.
        disable_nagle_algorithm = True

        def do_GET(self):
            if self.path == "/ping":
                return self.reply(200, "text/plain", b"ok")
            self.reply(404, "text/plain", b"not found")

        def do_POST(self):
            if self.path != "/invocations":
                return self.reply(404, "text/plain", b"not found")
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self.reply(413, "text/plain", f"payload over {MAX_BODY} bytes".encode())
            body = self.rfile.read(length)
            content_type = (self.headers.get("Content-Type") or "text/csv").split(";")[0].strip()
            accept = (self.headers.get("Accept") or "").split(";")[0].strip()
            if accept not in ("text/csv", "application/json"):  # absent or */*: answer in kind
                accept = "application/json" if content_type == "application/x-npy" else content_type
            try:
                predictions = model.predict(parse_rows(body, content_type))
            except ClientError as e:
                return self.reply(400, "text/plain", str(e).encode())
            kind, payload = format_predictions(predictions, accept, model.quantiles)
            self.reply(200, kind, payload, {"X-Tickflow-Model-Version": model.version})

        def reply(self, status, content_type, body, headers=None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # one line per request would drown the logs
            pass

    return Handler


def serve() -> int:
    try:
        model = Model()
    except Exception as e:  # no model, no service: exit so the platform sees the failure
        print(f"serve: cannot load the model from {paths.MODEL}: {e}", file=sys.stderr, flush=True)
        return 1
    host = os.environ.get("TICKFLOW_SERVE_HOST", "0.0.0.0")
    port = int(os.environ.get("SAGEMAKER_BIND_TO_PORT", "8080"))
    server = ThreadingHTTPServer((host, port), handler_for(model))
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"serving model {model.version or '(unversioned)'} with {model.features} features on {host}:{port}", flush=True)
    server.serve_forever()
    return 0
