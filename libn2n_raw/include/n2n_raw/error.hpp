// SPDX-License-Identifier: MIT
// The one exception family of n2n_raw: every failure names the file, the field and the cause.
#pragma once

#include <stdexcept>
#include <string>

namespace n2n {

/// Base of every error n2n_raw throws on bad input or failed I/O.
/// `file()` is the path involved (empty when no file is), `field()` the dataset, tag, option or
/// argument at fault, `detail()` the library's or the underlying library's own message.
class Error : public std::runtime_error {
public:
    Error(std::string file, std::string field, std::string detail);

    const std::string& file() const noexcept { return file_; }
    const std::string& field() const noexcept { return field_; }
    const std::string& detail() const noexcept { return detail_; }

private:
    std::string file_;
    std::string field_;
    std::string detail_;
};

/// Reading or writing bytes failed (missing file, permission, short read, disk full).
class IoError : public Error {
public:
    using Error::Error;
};

/// The bytes were read but are not what the format promises (truncated, wrong type or shape,
/// NaN, unsupported variant such as a non-Bayer sensor).
class FormatError : public Error {
public:
    using Error::Error;
};

/// The caller asked for something inconsistent (bad option value, odd size with a reject policy).
class ConfigError : public Error {
public:
    using Error::Error;
};

/// A computation produced non-finite values: a diverging training run (the loss became NaN or
/// Inf) or a network whose output is not finite. Nothing is written from such values.
class NumericError : public Error {
public:
    using Error::Error;
};

}  // namespace n2n
