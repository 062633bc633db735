"""The SageMaker container layout. On SageMaker it is rooted at /opt/ml; the local SageMaker
roots it in a working folder per job or endpoint through TICKFLOW_OPT_ML."""
import os
from pathlib import Path

ROOT = Path(os.environ.get("TICKFLOW_OPT_ML", "/opt/ml"))
INPUT_DATA = ROOT / "input" / "data"
HYPERPARAMETERS = ROOT / "input" / "config" / "hyperparameters.json"
MODEL = ROOT / "model"
OUTPUT = ROOT / "output"
OUTPUT_DATA = OUTPUT / "data"
FAILURE = OUTPUT / "failure"

MODEL_FILE = "xgboost-model.json"
META_FILE = "model-meta.json"
