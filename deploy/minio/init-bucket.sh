#!/bin/sh
# One-shot set-up of the MinIO side of a sohoa stand-up (the `minio-init` service runs it with
# the minio/mc image). Safe to run again: every step accepts what is already there.
#   - the bucket, with object locking (which also turns versioning on): an overwritten or deleted
#     object keeps its earlier versions, and originals can be given a retention period;
#   - a login for sohoa that may use only this bucket (the root login stays with the operator).
set -eu

: "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}"
: "${SOHOA_S3_ACCESS_KEY:?}" "${SOHOA_S3_SECRET_KEY:?}"
bucket="${SOHOA_S3_BUCKET:-sohoa}"
endpoint="${MINIO_URL:-http://minio:9000}"

# The service starts once MinIO's health check passes; retry briefly all the same.
tries=0
until mc alias set sohoa "$endpoint" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -lt 30 ] || { echo "minio-init: MinIO at $endpoint does not answer" >&2; exit 1; }
    sleep 2
done

mc mb --ignore-existing --with-lock "sohoa/$bucket"
mc version enable "sohoa/$bucket"

policy_file="$(mktemp)"
cat >"$policy_file" <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:ListBucket",
      "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"],
     "Resource": ["arn:aws:s3:::$bucket"]},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject",
      "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
      "s3:GetObjectRetention", "s3:PutObjectRetention", "s3:GetObjectLegalHold",
      "s3:PutObjectLegalHold", "s3:GetObjectTagging", "s3:PutObjectTagging"],
     "Resource": ["arn:aws:s3:::$bucket/*"]}
  ]
}
POLICY
mc admin policy create sohoa sohoa-app "$policy_file"
rm -f "$policy_file"

mc admin user add sohoa "$SOHOA_S3_ACCESS_KEY" "$SOHOA_S3_SECRET_KEY"
# Attaching an already attached policy is an error in mc; that one is fine here.
mc admin policy attach sohoa sohoa-app --user "$SOHOA_S3_ACCESS_KEY" 2>/dev/null \
    || mc admin user info sohoa "$SOHOA_S3_ACCESS_KEY" | grep -q sohoa-app

echo "minio-init: bucket $bucket ready for $SOHOA_S3_ACCESS_KEY"
