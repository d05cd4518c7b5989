// cxx.cc - C++ threads for tests/zrt/threads.sh (g++ -static): std::thread,
// std::mutex, std::condition_variable, std::async; results that do not
// depend on the interleaving, compared with the native run.
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

int main()
{
	std::mutex m;
	std::condition_variable cv;
	std::queue<int> q;
	bool done = false;
	long total = 0;
	std::thread consumer([&] {
		std::unique_lock<std::mutex> lk(m);
		for (;;) {
			cv.wait(lk, [&] { return !q.empty() || done; });
			while (!q.empty()) {
				total += q.front();
				q.pop();
			}
			if (done)
				break;
		}
	});
	std::vector<std::thread> producers;
	for (int p = 0; p < 4; p++)
		producers.emplace_back([&, p] {
			for (int i = 1; i <= 500; i++) {
				std::lock_guard<std::mutex> g(m);
				q.push(p * 1000 + i);
				cv.notify_one();
			}
		});
	for (auto &t : producers)
		t.join();
	{
		std::lock_guard<std::mutex> g(m);
		done = true;
	}
	cv.notify_all();
	consumer.join();
	std::printf("c++: total %ld\n", total);
	std::vector<std::future<long>> parts;
	for (long k = 0; k < 4; k++)
		parts.push_back(std::async(std::launch::async, [k] {
			long s = 0;
			for (long i = k * 250000; i < (k + 1) * 250000; i++)
				s += i % 7;
			return s;
		}));
	long s = 0;
	for (auto &f : parts)
		s += f.get();
	std::printf("c++: async sum %ld, hardware_concurrency %u\n", s, std::thread::hardware_concurrency() > 0 ? 1u : 0u);
	return 0;
}
