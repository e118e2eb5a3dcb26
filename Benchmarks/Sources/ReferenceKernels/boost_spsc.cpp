#include "ReferenceKernels.h"

#include <boost/lockfree/spsc_queue.hpp>
#include <chrono>
#include <thread>
#include <vector>

namespace {
struct Sample {
    int64_t timestamp_ns;
    int32_t raw;
    uint32_t flags;
};
}

extern "C" double ref_boost_spsc_transfer(long count, int capacity, int batch) {
    boost::lockfree::spsc_queue<Sample> queue(capacity);
    bool ordered = true;
    auto start = std::chrono::steady_clock::now();
    std::thread consumer([&] {
        std::vector<Sample> buffer(batch);
        long expected = 0;
        while (expected < count) {
            size_t n = batch == 1 ? (queue.pop(buffer[0]) ? 1 : 0) : queue.pop(buffer.data(), batch);
            for (size_t i = 0; i < n; i++) {
                if (buffer[i].timestamp_ns != expected + (long)i) ordered = false;
            }
            expected += (long)n;
        }
    });
    std::vector<Sample> buffer(batch);
    long next = 0;
    while (next < count) {
        if (batch == 1) {
            if (queue.push(Sample{next, (int32_t)next, 0})) next++;
        } else {
            long want = count - next < batch ? count - next : batch;
            for (long i = 0; i < want; i++) buffer[i] = Sample{next + i, (int32_t)(next + i), 0};
            next += (long)queue.push(buffer.data(), (size_t)want);
        }
    }
    consumer.join();
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    return ordered ? elapsed.count() : -1;
}
