#!/bin/sh
# Registers sohoa with a Prefect server (the one-shot `deployments` service, or by hand with
# PREFECT_API_URL set): the work pool, the `ocr` global concurrency limit, and the
# deployments of deploy/prefect.yaml. Safe to run again: each step updates what exists.
#
#   SOHOA_WORK_POOL          work pool the deployments go to (default sohoa-process)
#   SOHOA_WORK_POOL_TYPE     its type when it has to be made: process (default) or kubernetes
#   SOHOA_BASE_JOB_TEMPLATE  a base job template for a new pool (deploy/k8s/base-job-template.json)
#   SOHOA_OCR_SLOTS          OCR processes allowed at once over all workers (default: local cores)
#   SOHOA_APP_DIR            the source tree the entrypoints are relative to (default /app)
set -eu

: "${PREFECT_API_URL:?set PREFECT_API_URL, e.g. http://prefect-server:4200/api}"
pool="${SOHOA_WORK_POOL:-sohoa-process}"
pool_type="${SOHOA_WORK_POOL_TYPE:-process}"
template="${SOHOA_BASE_JOB_TEMPLATE:-}"
slots="${SOHOA_OCR_SLOTS:-$(nproc)}"
app_dir="${SOHOA_APP_DIR:-/app}"
export PREFECT_CLI_PROMPT=false

cd "$app_dir"

# An existing pool is left as the operator configured it.
if ! prefect work-pool inspect "$pool" >/dev/null 2>&1; then
    if [ -n "$template" ]; then
        prefect work-pool create "$pool" --type "$pool_type" --base-job-template "$template"
    else
        prefect work-pool create "$pool" --type "$pool_type"
    fi
fi

if prefect gcl inspect ocr >/dev/null 2>&1; then
    prefect gcl update ocr --limit "$slots"
else
    prefect gcl create ocr --limit "$slots"
fi

# The work pool named in prefect.yaml is sohoa-process; another pool name is substituted in a
# copy so that the committed file stays the single description of the deployments.
prefect_file="deploy/prefect.yaml"
if [ "$pool" != "sohoa-process" ]; then
    prefect_file="$(mktemp -d)/prefect.yaml"
    sed "s/name: sohoa-process\$/name: $pool/" deploy/prefect.yaml >"$prefect_file"
fi
prefect --no-prompt deploy --all --prefect-file "$prefect_file"
