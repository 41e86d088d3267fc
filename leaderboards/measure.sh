#!/usr/bin/env bash
# Re-measure the synthetic leaderboards from real runs of this harness (what leaderboards/measured/ holds).
# Usage: bash leaderboards/measure.sh [RUNS_DIR]   (several hours on 2 CPU cores: 3 training seeds per trained
# model; kept-depth5/6 the longest)
# Trained models run as a seeds study (`--seeds 3`: training seeds 0, 1, 2 on seed 0's data, one run folder
# each), stored as <model>-seed0, -seed1, -seed2; mean and nn are deterministic and run once (seed 0).
set -euo pipefail
runs=${1:-runs/leaderboard}
seeds=3
mkdir -p "$runs"
run() {  # run TASK MODEL [ARGS...]: one run folder per (task, model); a trained model: one per seed under it
  local task=$1 model=$2; shift 2
  case $model in
    mean|nn) adrbench run --task "$task" --model "$model" --out "$runs/$task/$model" "$@" >/dev/null ;;
    *) adrbench run --task "$task" --model "$model" --seeds "$seeds" --out "$runs/$task/$model" "$@" >/dev/null ;;
  esac
  echo "done: $task $model"
}
for model in mean nn magr fineparser kept kept-credit; do
  run adr-synth "$model" --orders both
  run jigsaws-synth "$model"
  run fitnessaqa-synth "$model"
done
for model in kept-no-comment kept-no-gnn kept-no-kl kept-no-semantic kept-no-residual \
             kept-depth3 kept-depth5 kept-depth6; do
  run adr-synth "$model" --orders both
done
for done in "$runs"/*/*; do  # a re-measured entry replaces the stored ones of the same name (every seed)
  task=$(basename "$(dirname "$done")") model=$(basename "$done")
  for seed in $(seq 0 $((seeds - 1))); do rm -rf "leaderboards/measured/$task/$model-seed$seed"; done
done
adrbench tables --runs "$runs" --store >/dev/null
adrbench tables --update >/dev/null
