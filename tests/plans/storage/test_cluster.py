"""The local cluster: created, started, stopped, restarted on the same port."""

import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest

from plans.storage import cluster as local


@pytest.fixture
def cluster():
    folder = Path(tempfile.mkdtemp(prefix="mukhattat-cluster-"))
    folder.chmod(0o755)
    made = local.locate_cluster(folder)
    yield made
    local.destroy(made)
    shutil.rmtree(folder, ignore_errors=True)


def test_lifecycle_and_same_port_after_restart(cluster):
    assert local.initialise(cluster) is True
    assert local.initialise(cluster) is False
    port = local.start(cluster, durable=False)
    assert local.start(cluster) == port  # already running: same port, nothing done
    url = local.superuser_url(cluster, port, "postgres").replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert local.stop(cluster) is True
    assert local.status(cluster).running is False
    assert local.stop(cluster) is False
    assert local.start(cluster, durable=False) == port


def test_password_file_private(cluster):
    local.initialise(cluster)
    assert cluster.password_file.stat().st_mode & 0o077 == 0


def test_start_before_initialise_refused(cluster):
    with pytest.raises(local.ClusterError, match="initialise it first"):
        local.start(cluster)
