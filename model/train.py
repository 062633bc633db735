"""SageMaker training entry point: XGBoost regression of the forward log return, at quantile
levels when the `quantiles` hyperparameter names them (one model, `reg:quantileerror`).

Channels (CSV, label first, no header, empty field = missing):
  train  the rows to learn from, in time order
  test   optional holdout; its predictions go to output/data/test-predictions.csv (one column
         per quantile level, ascending) so the pipeline scores candidate and incumbent with one
         metrics definition.
"""
import json
import sys
import time
import traceback

import numpy as np
import xgboost as xgb

import sagemaker_paths as paths

# SageMaker passes every hyperparameter as a string; each is parsed and range-checked here.
HYPERPARAMETERS = {
    "num_round": (int, 400, lambda v: 1 <= v <= 10000),
    "max_depth": (int, 3, lambda v: 1 <= v <= 12),
    "eta": (float, 0.03, lambda v: 0 < v <= 1),
    "subsample": (float, 0.8, lambda v: 0 < v <= 1),
    "colsample_bytree": (float, 0.8, lambda v: 0 < v <= 1),
    "min_child_weight": (float, 50.0, lambda v: v >= 0),
    "reg_lambda": (float, 10.0, lambda v: v >= 0),
    "early_stopping_rounds": (int, 40, lambda v: v >= 1),
    "validation_fraction": (float, 0.2, lambda v: 0 < v < 0.5),
    "objective": (str, "reg:squarederror", lambda v: v.startswith("reg:")),
    "seed": (int, 1, lambda v: v >= 0),
    "nthread": (int, 0, lambda v: v >= 0),
    "quantiles": (str, "", lambda v: True),  # checked by parse_quantiles
    "feature_names": (str, "", lambda v: True),
    "model_version": (str, "", lambda v: True),
}


class BadInput(Exception):
    """A problem with the job's input that the user must fix; reported without a traceback."""


def parse_hyperparameters(raw: dict) -> dict:
    unknown = sorted(set(raw) - set(HYPERPARAMETERS))
    if unknown:
        raise BadInput(f"unknown hyperparameter(s): {', '.join(unknown)}; known: {', '.join(sorted(HYPERPARAMETERS))}")
    parsed = {}
    for name, (kind, default, valid) in HYPERPARAMETERS.items():
        value = default
        if name in raw:
            try:
                value = kind(raw[name])
            except ValueError:
                raise BadInput(f"hyperparameter {name}={raw[name]!r} is not a valid {kind.__name__}")
        if not valid(value):
            raise BadInput(f"hyperparameter {name}={value!r} is out of range")
        parsed[name] = value
    return parsed


def parse_quantiles(text: str):
    """ "0.1,0.5,0.9" → [0.1, 0.5, 0.9]: ascending, strictly inside (0, 1), the median among them; "" → None."""
    if not text:
        return None
    try:
        levels = [float(part) for part in text.split(",")]
    except ValueError:
        raise BadInput(f"hyperparameter quantiles={text!r} must be comma-separated numbers")
    if not all(0 < q < 1 for q in levels) or any(b <= a for a, b in zip(levels, levels[1:])) or 0.5 not in levels:
        raise BadInput(f"hyperparameter quantiles={text!r} must be ascending levels strictly between 0 and 1, 0.5 among them")
    return levels


def read_channel(name: str, required: bool):
    folder = paths.INPUT_DATA / name
    files = sorted(p for p in folder.glob("**/*") if p.is_file()) if folder.is_dir() else []
    if not files:
        if required:
            raise BadInput(f"channel {name!r} has no files under {folder}")
        return None
    blocks = [np.genfromtxt(f, delimiter=",", dtype=np.float64, ndmin=2) for f in files if f.stat().st_size > 0]
    if not blocks:
        raise BadInput(f"channel {name!r} files are empty")
    data = np.vstack(blocks)
    if data.shape[1] < 2:
        raise BadInput(f"channel {name!r} needs a label column and at least one feature, got {data.shape[1]} column(s)")
    labels, features = data[:, 0], data[:, 1:]
    if np.isnan(labels).any():
        raise BadInput(f"channel {name!r} has {int(np.isnan(labels).sum())} row(s) without a label")
    return labels, features


def train() -> int:
    started = time.time()
    try:
        raw = json.loads(paths.HYPERPARAMETERS.read_text()) if paths.HYPERPARAMETERS.exists() else {}
        hp = parse_hyperparameters(raw)
        y, x = read_channel("train", required=True)
        test = read_channel("test", required=False)
        feature_names = [n for n in hp["feature_names"].split(",") if n] or None
        if feature_names and len(feature_names) != x.shape[1]:
            raise BadInput(f"feature_names lists {len(feature_names)} names but train has {x.shape[1]} feature columns")
        if test is not None and test[1].shape[1] != x.shape[1]:
            raise BadInput(f"test has {test[1].shape[1]} feature columns, train has {x.shape[1]}")

        # Early stopping on the latest rows of the training data: rows arrive in time order,
        # so this is a forward-in-time validation, never a random one.
        cut = int(len(y) * (1 - hp["validation_fraction"]))
        if cut < 10 or len(y) - cut < 10:
            raise BadInput(f"train has {len(y)} rows; at least 50 are needed")
        dtrain = xgb.DMatrix(x[:cut], label=y[:cut], feature_names=feature_names)
        dvalid = xgb.DMatrix(x[cut:], label=y[cut:], feature_names=feature_names)
        quantiles = parse_quantiles(hp["quantiles"])
        params = {
            "objective": hp["objective"], "max_depth": hp["max_depth"], "eta": hp["eta"],
            "subsample": hp["subsample"], "colsample_bytree": hp["colsample_bytree"],
            "min_child_weight": hp["min_child_weight"], "lambda": hp["reg_lambda"],
            "seed": hp["seed"], "eval_metric": ["rmse", "mae"],
        }
        if quantiles:
            if "objective" in raw and hp["objective"] != "reg:quantileerror":
                raise BadInput(f"objective={hp['objective']!r} cannot fit quantiles; leave it out or use reg:quantileerror")
            # One model for every level; early stopping watches the mean pinball loss over them.
            params.update(objective="reg:quantileerror", quantile_alpha=np.array(quantiles), eval_metric=["quantile"])
        if hp["nthread"]:
            params["nthread"] = hp["nthread"]
        log = {}
        booster = xgb.train(params, dtrain, num_boost_round=hp["num_round"], evals=[(dtrain, "train"), (dvalid, "validation")],
                            early_stopping_rounds=hp["early_stopping_rounds"], evals_result=log, verbose_eval=False)
        best = booster.best_iteration
        booster = booster[: best + 1]  # keep only the trees early stopping chose, for serving too
        scores = ", ".join(f"{metric} {values[best]:.6f}" for metric, values in log["validation"].items())
        print(f"trained {best + 1} rounds on {cut} rows; validation {scores} on {len(y) - cut} rows", flush=True)

        paths.MODEL.mkdir(parents=True, exist_ok=True)
        booster.save_model(paths.MODEL / paths.MODEL_FILE)
        metrics = {name: {m: values[best] for m, values in series.items()} for name, series in log.items()}
        (paths.MODEL / paths.META_FILE).write_text(json.dumps({
            "model_version": hp["model_version"], "feature_names": feature_names, "features": x.shape[1], "quantiles": quantiles,
            "best_iteration": best, "train_rows": cut, "validation_rows": len(y) - cut,
            "hyperparameters": hp, "training_metrics": metrics, "training_seconds": round(time.time() - started, 3),
        }, indent=2))
        if test is not None:
            predictions = rearranged(booster.predict(xgb.DMatrix(test[1], feature_names=feature_names)), quantiles)
            paths.OUTPUT_DATA.mkdir(parents=True, exist_ok=True)
            np.savetxt(paths.OUTPUT_DATA / "test-predictions.csv", predictions, fmt="%.10g", delimiter=",")
            print(f"predicted {len(predictions)} test rows", flush=True)
        return 0
    except BadInput as e:
        return fail(str(e))
    except Exception as e:  # anything else is a bug: keep the traceback for the job's logs
        traceback.print_exc()
        return fail(f"{type(e).__name__}: {e}")


def rearranged(predictions: np.ndarray, quantiles):
    """Quantile predictions sorted within each row: separately fitted levels can cross, and
    sorting them never makes them worse (Chernozhukov, Fernández-Val & Galichon 2010)."""
    if not quantiles:
        return predictions
    return np.sort(predictions.reshape(len(predictions), len(quantiles)), axis=1)


def fail(reason: str) -> int:
    # SageMaker reports the first 1 KiB of this file as the job's FailureReason.
    paths.OUTPUT.mkdir(parents=True, exist_ok=True)
    paths.FAILURE.write_text(reason[:1024])
    print(f"training failed: {reason}", file=sys.stderr, flush=True)
    return 1
