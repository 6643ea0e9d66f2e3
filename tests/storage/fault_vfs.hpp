#pragma once
// A SQLite VFS for tests that wraps the default one and fails chosen calls on one chosen file:
// I/O errors on read or write, a full disk, a file that cannot be opened. While a FaultVfs
// object lives it is the default VFS, so CandleDatabase (which opens with the default) uses it.
#include <sqlite3.h>

#include <mutex>
#include <string>

#include <gtest/gtest.h>

namespace cpc::storage::test {

class FaultVfs {
public:
    // What to fail on `file` (the path exactly as SQLite opens it; its -wal/-shm are not hit).
    // `times` calls fail, then everything works again (-1: until cleared).
    struct Fault {
        std::string file;
        int openError = 0;   // xOpen returns it (e.g. SQLITE_CANTOPEN)
        int readError = 0;   // xRead returns it (e.g. SQLITE_IOERR_READ)
        int writeError = 0;  // xWrite returns it (e.g. SQLITE_FULL, SQLITE_IOERR_WRITE)
        int times = -1;
    };

    FaultVfs() {
        m_real = sqlite3_vfs_find(nullptr);
        m_vfs = *m_real;
        m_vfs.zName = "cpc-test-fault";
        m_vfs.szOsFile = static_cast<int>(sizeof(File)) + m_real->szOsFile;
        m_vfs.pAppData = this;
        m_vfs.xOpen = &FaultVfs::open;
        EXPECT_EQ(sqlite3_vfs_register(&m_vfs, 1), SQLITE_OK);
    }
    ~FaultVfs() { sqlite3_vfs_unregister(&m_vfs); }
    FaultVfs(const FaultVfs&) = delete;
    FaultVfs& operator=(const FaultVfs&) = delete;

    void set(Fault fault) {
        std::lock_guard lock(m_mutex);
        m_fault = std::move(fault);
        m_hits = 0;
    }
    void clear() { set(Fault{}); }
    // Calls failed since the last set().
    int hits() const {
        std::lock_guard lock(m_mutex);
        return m_hits;
    }

private:
    struct File {
        sqlite3_file base;  // pMethods = the wrapper's
        FaultVfs* owner;
        std::string* name;
        sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
    };

    // The error to return for this call, or 0.
    int fault(const std::string& name, int Fault::*which) {
        std::lock_guard lock(m_mutex);
        const int error = m_fault.*which;
        if (error == 0 || name != m_fault.file || m_fault.times == 0) return 0;
        if (m_fault.times > 0) --m_fault.times;
        ++m_hits;
        return error;
    }

    static File* self(sqlite3_file* f) { return reinterpret_cast<File*>(f); }

    static int open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out) {
        auto* owner = static_cast<FaultVfs*>(vfs->pAppData);
        auto* f = self(file);
        f->base.pMethods = nullptr;
        const std::string fileName = name != nullptr ? name : "";
        if (int error = owner->fault(fileName, &Fault::openError)) return error;
        const int rc = owner->m_real->xOpen(owner->m_real, name, f->real(), flags, out);
        if (rc != SQLITE_OK || f->real()->pMethods == nullptr) return rc;
        f->owner = owner;
        f->name = new std::string(fileName);
        f->base.pMethods = &kMethods;
        return rc;
    }
    static int close(sqlite3_file* file) {
        auto* f = self(file);
        const int rc = f->real()->pMethods->xClose(f->real());
        delete f->name;
        return rc;
    }
    static int read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
        auto* f = self(file);
        if (int error = f->owner->fault(*f->name, &Fault::readError)) return error;
        return f->real()->pMethods->xRead(f->real(), buffer, amount, offset);
    }
    static int write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
        auto* f = self(file);
        if (int error = f->owner->fault(*f->name, &Fault::writeError)) return error;
        return f->real()->pMethods->xWrite(f->real(), buffer, amount, offset);
    }
    static sqlite3_file* r(sqlite3_file* file) { return self(file)->real(); }
    static int truncate(sqlite3_file* f, sqlite3_int64 size) {
        return r(f)->pMethods->xTruncate(r(f), size);
    }
    static int sync(sqlite3_file* f, int flags) { return r(f)->pMethods->xSync(r(f), flags); }
    static int fileSize(sqlite3_file* f, sqlite3_int64* size) {
        return r(f)->pMethods->xFileSize(r(f), size);
    }
    static int lock(sqlite3_file* f, int level) { return r(f)->pMethods->xLock(r(f), level); }
    static int unlock(sqlite3_file* f, int level) { return r(f)->pMethods->xUnlock(r(f), level); }
    static int checkReservedLock(sqlite3_file* f, int* out) {
        return r(f)->pMethods->xCheckReservedLock(r(f), out);
    }
    static int fileControl(sqlite3_file* f, int op, void* arg) {
        return r(f)->pMethods->xFileControl(r(f), op, arg);
    }
    static int sectorSize(sqlite3_file* f) { return r(f)->pMethods->xSectorSize(r(f)); }
    static int deviceCharacteristics(sqlite3_file* f) {
        return r(f)->pMethods->xDeviceCharacteristics(r(f));
    }
    static int shmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
        return r(f)->pMethods->xShmMap(r(f), page, size, extend, out);
    }
    static int shmLock(sqlite3_file* f, int offset, int n, int flags) {
        return r(f)->pMethods->xShmLock(r(f), offset, n, flags);
    }
    static void shmBarrier(sqlite3_file* f) { r(f)->pMethods->xShmBarrier(r(f)); }
    static int shmUnmap(sqlite3_file* f, int deleteFlag) {
        return r(f)->pMethods->xShmUnmap(r(f), deleteFlag);
    }
    static int fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
        // No memory-mapped reads: every read goes through read() above.
        (void)f;
        (void)offset;
        (void)amount;
        *out = nullptr;
        return SQLITE_OK;
    }
    static int unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
        (void)f;
        (void)offset;
        (void)p;
        return SQLITE_OK;
    }

    static constexpr sqlite3_io_methods kMethods = {
        3,        &close,       &read,        &write,  &truncate,   &sync,
        &fileSize, &lock,       &unlock,      &checkReservedLock,   &fileControl,
        &sectorSize, &deviceCharacteristics, &shmMap, &shmLock,     &shmBarrier,
        &shmUnmap, &fetch,      &unfetch,
    };

    sqlite3_vfs* m_real = nullptr;
    sqlite3_vfs m_vfs{};
    mutable std::mutex m_mutex;
    Fault m_fault;  // guarded by m_mutex
    int m_hits = 0;  // guarded by m_mutex
};

}  // namespace cpc::storage::test
