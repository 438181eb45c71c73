from server.domain import job_names
from server.domain.job_registry import FUNCTIONS, REGISTRY
from workers.settings import WorkerSettings


def test_every_job_name_has_a_function():
    names = {value for key, value in vars(job_names).items() if key.isupper() and isinstance(value, str)}
    assert set(FUNCTIONS) == names
    assert names >= REGISTRY.maintenance


def test_the_arq_worker_registers_the_same_names():
    assert {function.name for function in WorkerSettings.functions} == set(FUNCTIONS)
