#!/usr/bin/env bash
# Re-measure the synthetic leaderboards from real runs of this harness (what leaderboards/measured/ holds).
# Usage: bash leaderboards/measure.sh [RUNS_DIR]   (over an hour on 2 CPU cores; kept-depth5/6 the longest)
set -euo pipefail
runs=${1:-runs/leaderboard}
mkdir -p "$runs"
run() {  # run TASK MODEL [ARGS...]: one run folder per (task, model)
  local task=$1 model=$2; shift 2
  adrbench run --task "$task" --model "$model" --out "$runs/$task/$model" "$@" >/dev/null
  echo "done: $task $model"
}
for model in mean nn magr fineparser kept; do
  run adr-synth "$model" --orders both
  run jigsaws-synth "$model"
  run fitnessaqa-synth "$model"
done
for model in kept-no-comment kept-no-gnn kept-no-kl kept-no-semantic kept-no-residual \
             kept-depth3 kept-depth5 kept-depth6; do
  run adr-synth "$model" --orders both
done
for done in "$runs"/*/*; do  # a re-measured entry replaces the stored one of the same name
  rm -rf "leaderboards/measured/$(basename "$(dirname "$done")")/$(basename "$done")-seed0"
done
adrbench tables --runs "$runs" --store >/dev/null
adrbench tables --update >/dev/null
