import uuid, time, pytest
from shared.settings import Settings
from tests.chaos.harness import *
pytestmark = pytest.mark.chaos

async def test_two_clean(chaos, messages, clean_run):
    async with Stack(chaos) as stack:
        await stack.wait_running()
        await publish_timed(chaos, messages)
        await wait_done(chaos, len(messages))
    after = snapshot(chaos.index_file)
    d = clean_run.index.diff(after)
    assert not d, d
