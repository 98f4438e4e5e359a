"""Writers to one SQLite file queue on a lock file (events/writer_turn.py)."""
import fcntl
import multiprocessing
import threading
import time

from events.writer_turn import WriterTurn


def _try_in_child(turn: WriterTurn, answer) -> None:
    # The descriptor the parent opened is inherited: the child must open its own, or the
    # parent's lock would let it straight in.
    fd = turn._file()
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        answer.put("got it")
    except BlockingIOError:
        answer.put("waits")


def test_a_forked_writer_waits_for_the_turn_its_parent_holds(tmp_path):
    turn = WriterTurn(str(tmp_path / "pmo.sqlite"))
    context = multiprocessing.get_context("fork")
    answer = context.Queue()
    with turn():
        child = context.Process(target=_try_in_child, args=(turn, answer))
        child.start()
        child.join(30)
        assert answer.get(timeout=5) == "waits"
    child = context.Process(target=_try_in_child, args=(turn, answer))
    child.start()
    child.join(30)
    assert answer.get(timeout=5) == "got it"
    turn.close()


def test_threads_of_one_process_take_turns(tmp_path):
    turn = WriterTurn(str(tmp_path / "pmo.sqlite"))
    inside, most = [0], [0]

    def write():
        for _ in range(20):
            with turn():
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                time.sleep(0.0005)
                inside[0] -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1
    turn.close()
