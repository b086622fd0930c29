"""Progress sampling: a burst of status lines keeps its first and latest, a quiet stretch still
gets a sample every 2 s."""

import unittest

from semfuzz_cli.progress import MAX_GAP_S, Sampler


def line(seconds, cov):
    return (seconds, int(seconds * 100), cov, cov * 4, cov // 10)


class SamplerTest(unittest.TestCase):
    def test_a_burst_keeps_its_first_and_latest_line_per_second(self):
        sampler = Sampler()
        for i in range(10):
            sampler.add(line(0.1 * i, 100 + i))
        self.assertEqual([s[2] for s in sampler.samples], [100, 109])
        sampler.add(line(1.2, 200))
        self.assertEqual([s[2] for s in sampler.samples], [100, 109, 200])

    def test_a_quiet_run_gets_a_sample_every_two_seconds(self):
        sampler = Sampler()
        sampler.add(line(0.5, 100))
        now = 0.5
        while now < 60:
            now += 0.25
            sampler.tick(now)
        self.assertGreaterEqual(len(sampler.samples), 29)
        gaps = [b[0] - a[0] for a, b in zip(sampler.samples, sampler.samples[1:])]
        self.assertLessEqual(max(gaps), MAX_GAP_S + 0.25)
        self.assertEqual({s[2] for s in sampler.samples}, {100})

    def test_no_line_no_sample(self):
        sampler = Sampler()
        sampler.tick(30)
        self.assertEqual(sampler.samples, [])


if __name__ == "__main__":
    unittest.main()
