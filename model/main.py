"""Entry point with SageMaker's contract: the platform runs the image as `<image> train` or
`<image> serve`."""
import sys


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "train":
        from train import train
        return train()
    if command == "serve":
        from serve import serve
        return serve()
    print("usage: main.py train | serve\n"
          "  train  fit XGBoost on /opt/ml/input/data/train (CSV, label first, no header),\n"
          "         write /opt/ml/model and test-channel predictions to /opt/ml/output/data\n"
          "  serve  answer GET /ping and POST /invocations on $SAGEMAKER_BIND_TO_PORT (8080)",
          file=sys.stderr)
    return 0 if command in ("-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main())
