locals {
  uid = tostring(var.container_user.uid)
  gid = tostring(var.container_user.gid)

  # Configuration only (docs/contract.md); the credentials arrive through
  # `secrets`. Null settings are left out so the secret's values apply;
  # ADVANA_EXPORT_JOBS goes only with the formats that run jobs in parallel
  # (the task refuses --jobs with custom, so a default deployment once failed
  # every run).
  environment = { for k, v in {
    ADVANA_EXPORT_BUCKET      = var.bucket_name
    ADVANA_EXPORT_PREFIX      = var.prefix
    ADVANA_EXPORT_KMS_KEY_ID  = coalesce(var.kms_key_alias_arn, var.kms_key_arn)
    ADVANA_EXPORT_FORMAT      = var.dump.format
    ADVANA_EXPORT_JOBS        = var.dump.format != "custom" ? tostring(var.dump.jobs) : null
    ADVANA_EXPORT_SCRATCH_DIR = local.scratch_path
    ADVANA_EXPORT_RDS_IAM     = var.rds_iam_auth != null ? "true" : null
    AWS_REGION                = local.region
    AWS_USE_FIPS_ENDPOINT     = tostring(local.fips_endpoints)
    PGHOST                    = var.database.host
    PGPORT                    = tostring(var.database.port)
    PGDATABASE                = var.database.name
    PGUSER                    = var.database.user != null ? var.database.user : try(var.rds_iam_auth.db_user, null)
    PGSSLMODE                 = var.database.sslmode
  } : k => v if v != null }

  # The stall watchdog, the wait for replication before the manifest and
  # the lock at the commit (docs/contract.md, "Commit protocol").
  wait_environment = { for k, v in {
    ADVANA_EXPORT_STALL_TIMEOUT    = "${var.stall_timeout_seconds}s"
    ADVANA_EXPORT_REPLICATION_WAIT = var.replication_wait_seconds > 0 ? "${var.replication_wait_seconds}s" : null
    ADVANA_EXPORT_OBJECT_LOCK_MODE = try(var.object_lock.mode, null)
    ADVANA_EXPORT_OBJECT_LOCK_DAYS = try(tostring(var.object_lock.days), null)
  } : k => v if v != null }

  scratch_mount = [{ sourceVolume = "scratch", containerPath = local.scratch_path, readOnly = false }]

  log_configuration = {
    for c in ["permissions-init", "export"] : c => {
      logDriver = "awslogs"
      options = {
        awslogs-group         = local.log_group
        awslogs-region        = local.region
        awslogs-stream-prefix = c
      }
    }
  }

  containers = [
    {
      # Fargate bind mounts belong to root, so this short-lived container
      # (same image) hands /scratch to the non-root user and exits. It is the
      # one place anything runs as root: no network listener, read-only root
      # filesystem, and only the CHOWN capability.
      name                   = "permissions-init"
      image                  = var.image
      essential              = false
      user                   = "0"
      command                = ["prepare-scratch", "--path", local.scratch_path, "--uid", local.uid, "--gid", local.gid]
      readonlyRootFilesystem = true
      privileged             = false
      mountPoints            = local.scratch_mount
      linuxParameters = {
        capabilities = {
          # Fargate cannot add capabilities back after "ALL", so drop every
          # Docker default except CHOWN, the one prepare-scratch needs (it
          # sets the mode while root still owns the folder: no FOWNER, and
          # root owns what it reads: no DAC_OVERRIDE). docs/image.md: permissions-init.
          drop = ["AUDIT_WRITE", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]
        }
      }
      logConfiguration = local.log_configuration["permissions-init"]
    },
    {
      name                   = "export"
      image                  = var.image
      essential              = true
      user                   = "${local.uid}:${local.gid}"
      command                = ["export"]
      readonlyRootFilesystem = true
      privileged             = false
      mountPoints            = local.scratch_mount
      dependsOn              = [{ containerName = "permissions-init", condition = "SUCCESS" }]
      linuxParameters = {
        capabilities = { drop = ["ALL"] }
      }
      environment = [for k, v in merge(local.environment, local.wait_environment) : { name = k, value = v }]
      secrets = var.db_secret_arn == null ? [] : [
        { name = "ADVANA_EXPORT_DB_SECRET", valueFrom = var.db_secret_arn },
      ]
      stopTimeout      = var.stop_timeout
      logConfiguration = local.log_configuration["export"]
    },
  ]
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.task_size.cpu)
  memory                   = tostring(var.task_size.memory)
  execution_role_arn       = local.execution_role_arn
  task_role_arn            = local.task_role_arn
  container_definitions    = jsonencode(local.containers)

  runtime_platform {
    operating_system_family = var.runtime_platform.operating_system_family
    cpu_architecture        = var.runtime_platform.cpu_architecture
  }

  # Fargate task storage; bind-mounted into both containers at /scratch.
  volume {
    name = "scratch"
  }

  dynamic "ephemeral_storage" {
    for_each = var.ephemeral_storage_gib != null ? [var.ephemeral_storage_gib] : []
    content {
      size_in_gib = ephemeral_storage.value
    }
  }

  # The reason FIPS endpoints are off, where plan-review reads it.
  tags = merge(var.tags, var.fips_endpoints_exception == null ? {} : { "advana-export:fips-endpoints-exception" = var.fips_endpoints_exception })

  lifecycle {
    precondition {
      condition     = var.db_secret_arn != null || var.rds_iam_auth != null
      error_message = "Give db_secret_arn (password authentication) or rds_iam_auth (IAM authentication): the task has no other way to log in."
    }
  }
}
