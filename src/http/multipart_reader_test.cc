#include "http/multipart_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <random>

namespace dataml::http {
namespace {

constexpr char kBoundary[] = "XyZ-b0undary";

// What a reader handed out: the parts in order, each with its bytes.
struct Collected {
  std::vector<MultipartPart> parts;
  std::vector<std::string> data;
  size_t data_calls = 0;
  bool empty_slice = false;   // a PartData call with no bytes
  bool orphan_bytes = false;  // bytes before any part
};

MultipartReader MakeReader(Collected& out, std::string_view boundary = kBoundary,
                           MultipartOptions options = MultipartOptions::Defaults()) {
  auto reader = MultipartReader::Make(
      boundary,
      [&out](const MultipartPart& part) {
        out.parts.push_back(part);
        out.data.emplace_back();
        return true;
      },
      [&out](const char* data, size_t size) {
        ++out.data_calls;
        if (size == 0) out.empty_slice = true;
        if (out.data.empty()) {
          out.orphan_bytes = true;
          return true;
        }
        out.data.back().append(data, size);
        return true;
      },
      options);
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  return std::move(reader).ValueOrDie();
}

// Feeds the body whole, then finishes; the first error wins.
Status ReadAll(std::string_view body, Collected& out, std::string_view boundary = kBoundary,
               MultipartOptions options = MultipartOptions::Defaults()) {
  MultipartReader reader = MakeReader(out, boundary, options);
  DATAML_RETURN_NOT_OK(reader.Feed(body));
  return reader.Finish();
}

std::string Part(std::string_view disposition_params, std::string_view data,
                 std::string_view extra_headers = "") {
  return std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; " +
         std::string(disposition_params) + "\r\n" + std::string(extra_headers) + "\r\n" +
         std::string(data) + "\r\n";
}

std::string Close() { return std::string("--") + kBoundary + "--\r\n"; }

// A body with two parts, a preamble and an epilogue: the reference for the split tests.
std::string TwoParts() {
  return "This is the preamble.\r\n" +
         Part(R"(name="files"; filename="a.csv")", "x,y\r\n1,2\r\n", "Content-Type: text/csv\r\n") +
         Part(R"(name="note")", "--" + std::string(kBoundary).substr(0, 5)) + Close() +
         "epilogue --" + kBoundary + "\r\n";
}

void ExpectTwoParts(const Collected& got) {
  ASSERT_EQ(got.parts.size(), 2u);
  EXPECT_EQ(got.parts[0].name, "files");
  EXPECT_EQ(got.parts[0].filename, "a.csv");
  EXPECT_EQ(got.parts[0].content_type, "text/csv");
  EXPECT_EQ(got.data[0], "x,y\r\n1,2\r\n");
  EXPECT_EQ(got.parts[1].name, "note");
  EXPECT_EQ(got.parts[1].filename, "");
  EXPECT_EQ(got.parts[1].content_type, "");
  EXPECT_EQ(got.data[1], "--XyZ-b");
  EXPECT_FALSE(got.empty_slice);
  EXPECT_FALSE(got.orphan_bytes);
}

TEST(MultipartBoundaryTest, ReadsPlainAndQuotedBoundaries) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*MultipartBoundary("Multipart/Form-Data;BOUNDARY=\"a b;c\""), "a b;c");
  EXPECT_EQ(*MultipartBoundary(R"(multipart/form-data; charset="utf-8"; Boundary="q\"x"; x=y)"),
            "q\"x");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data ;boundary= ----WebKit123 "), "----WebKit123");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=" + std::string(70, 'b')),
            std::string(70, 'b'));
}

TEST(MultipartBoundaryTest, RefusesOtherTypesAndBadBoundaries) {
  EXPECT_EQ(MultipartBoundary("application/json").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MultipartBoundary("multipart/mixed; boundary=a").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(MultipartBoundary("").status().code(), StatusCode::kInvalidArgument);
  for (const std::string& header : std::vector<std::string>{
           "multipart/form-data", "multipart/form-data; charset=utf-8",
           "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
           "multipart/form-data; boundary=" + std::string(71, 'b'),
           "multipart/form-data; boundary=\"unterminated",
           "multipart/form-data; boundary=a; boundary=b", "multipart/form-data; boundary=\"a\rb\"",
           "multipart/form-data; boundary"}) {
    auto result = MultipartBoundary(header);
    ASSERT_FALSE(result.ok()) << header;
    EXPECT_EQ(result.status().code(), StatusCode::kBadRequest) << header;
  }
}

TEST(MultipartReaderTest, MakeRefusesBadArguments) {
  auto start = [](const MultipartPart&) { return true; };
  auto data = [](const char*, size_t) { return true; };
  EXPECT_FALSE(MultipartReader::Make("", start, data).ok());
  EXPECT_FALSE(MultipartReader::Make(std::string(71, 'b'), start, data).ok());
  EXPECT_FALSE(MultipartReader::Make("a\nb", start, data).ok());
  EXPECT_FALSE(MultipartReader::Make("b", nullptr, data).ok());
  EXPECT_FALSE(MultipartReader::Make("b", start, nullptr).ok());
  MultipartOptions options;
  options.max_parts = 0;
  EXPECT_EQ(MultipartReader::Make("b", start, data, options).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(MultipartReader::Make("b", start, data).ok());
}

TEST(MultipartReaderTest, ReadsPartsAndIgnoresPreambleAndEpilogue) {
  Collected got;
  ASSERT_TRUE(ReadAll(TwoParts(), got).ok());
  ExpectTwoParts(got);
}

TEST(MultipartReaderTest, BodyMayStartWithItsFirstBoundary) {
  Collected got;
  ASSERT_TRUE(ReadAll(Part(R"(name="a")", "1") + Close(), got).ok());
  ASSERT_EQ(got.parts.size(), 1u);
  EXPECT_EQ(got.data[0], "1");
}

TEST(MultipartReaderTest, BoundarySplitAtEveryPositionGivesTheSameParts) {
  std::string body = TwoParts();
  for (size_t split = 0; split <= body.size(); ++split) {
    Collected got;
    MultipartReader reader = MakeReader(got);
    ASSERT_TRUE(reader.Feed(body.data(), split).ok()) << split;
    ASSERT_TRUE(reader.Feed(body.data() + split, body.size() - split).ok()) << split;
    ASSERT_TRUE(reader.Finish().ok()) << split;
    ExpectTwoParts(got);
  }
  Collected got;  // and one byte at a time
  MultipartReader reader = MakeReader(got);
  for (char c : body) ASSERT_TRUE(reader.Feed(&c, 1).ok());
  ASSERT_TRUE(reader.Finish().ok());
  ExpectTwoParts(got);
}

TEST(MultipartReaderTest, PartialBoundariesInsideDataAreData) {
  std::string b = kBoundary;
  for (const std::string& data : std::vector<std::string>{
           "\r\n--" + b.substr(0, 4) + "X", "\r\n--" + b.substr(0, b.size() - 1), "\r\r\n\r\n-" + b,
           "\n--" + b, "x--" + b + "--", "\r", "\r\n", "\r\n-", "\r\n--",
           "abc\r\n--" + b.substr(0, 3)}) {
    std::string body = Part(R"(name="a")", data) + Close();
    for (size_t split = 0; split <= body.size(); ++split) {
      Collected got;
      MultipartReader reader = MakeReader(got);
      ASSERT_TRUE(reader.Feed(std::string_view(body).substr(0, split)).ok());
      ASSERT_TRUE(reader.Feed(std::string_view(body).substr(split)).ok());
      ASSERT_TRUE(reader.Finish().ok());
      ASSERT_EQ(got.data.size(), 1u);
      EXPECT_EQ(got.data[0], data) << split;
    }
  }
}

TEST(MultipartReaderTest, EmptyPartsAndAnEmptyForm) {
  Collected got;
  ASSERT_TRUE(
      ReadAll(Part(R"(name="a"; filename="")", "") + Part(R"(name="b")", "") + Close(), got).ok());
  ASSERT_EQ(got.parts.size(), 2u);
  EXPECT_EQ(got.data, (std::vector<std::string>{"", ""}));
  EXPECT_EQ(got.data_calls, 0u);
  Collected none;
  EXPECT_TRUE(ReadAll(Close(), none).ok());
  EXPECT_TRUE(none.parts.empty());
}

TEST(MultipartReaderTest, DelimiterRightAfterTheHeadersEndsAnEmptyPart) {
  // RFC 2046: body-part := headers [CRLF *OCTET]; the blank line's CRLF starts the delimiter.
  std::string body = std::string("--") + kBoundary +
                     "\r\nContent-Disposition: form-data; name=a\r\n\r\n--" + kBoundary + "--";
  Collected got;
  ASSERT_TRUE(ReadAll(body, got).ok());
  ASSERT_EQ(got.parts.size(), 1u);
  EXPECT_EQ(got.data[0], "");
}

TEST(MultipartReaderTest, HeadersAreCaseInsensitiveAndMayUseBareLineFeeds) {
  std::string body = std::string("--") + kBoundary + "  \t\n" +
                     "content-DISPOSITION:Form-Data;NAME=files;\n  FileName=\"x.csv\"\n"
                     "X-Other: 1\r\nCONTENT-TYPE:  text/plain  \n\n" +
                     "data\r\n--" + kBoundary + "-- trailing\r\n";
  Collected got;
  ASSERT_TRUE(ReadAll(body, got).ok());
  ASSERT_EQ(got.parts.size(), 1u);
  EXPECT_EQ(got.parts[0].name, "files");
  EXPECT_EQ(got.parts[0].filename, "x.csv");
  EXPECT_EQ(got.parts[0].content_type, "text/plain");
  EXPECT_EQ(got.data[0], "data");
}

TEST(MultipartReaderTest, FileNamesAreUnquotedAndDecoded) {
  struct Case {
    std::string params, filename;
  };
  for (const Case& c : std::vector<Case>{
           {R"(name="f"; filename="a \"q\" \\ b.csv")", R"(a "q" \ b.csv)"},
           {R"(name="f"; filename="C:\dir\a.csv")", R"(C:\dir\a.csv)"},  // old browsers
           {R"(name="f"; filename="a;b=c.csv")", "a;b=c.csv"},
           {R"(name="f"; filename=plain.csv)", "plain.csv"},
           {"name=\"f\"; filename=\"caf\xc3\xa9.csv\"", "caf\xc3\xa9.csv"},  // raw UTF-8
           {R"(name="f"; filename="fallback.csv"; filename*=UTF-8''caf%C3%A9%20%22x%22.csv)",
            "caf\xc3\xa9 \"x\".csv"},
           {R"(name="f"; filename*=utf-8'en'%e2%82%ac.csv; filename="fallback.csv")",
            "\xe2\x82\xac.csv"},
           {R"(name="f"; filename="fallback.csv"; filename*=ISO-8859-1''caf%E9.csv)",
            "fallback.csv"},
       }) {
    Collected got;
    ASSERT_TRUE(ReadAll(Part(c.params, "x") + Close(), got).ok()) << c.params;
    ASSERT_EQ(got.parts.size(), 1u);
    EXPECT_EQ(got.parts[0].name, "f");
    EXPECT_EQ(got.parts[0].filename, c.filename) << c.params;
  }
}

// Bodies that must fail, with the code they fail with.
void ExpectError(const std::string& body, StatusCode code, std::string_view message_part,
                 MultipartOptions options = MultipartOptions::Defaults()) {
  Collected got;
  Status status = ReadAll(body, got, kBoundary, options);
  ASSERT_FALSE(status.ok()) << body;
  EXPECT_EQ(status.code(), code) << body << " -> " << status.message();
  EXPECT_NE(status.message().find(message_part), std::string::npos) << status.message();
  EXPECT_FALSE(IsMultipartAborted(status));
}

TEST(MultipartReaderTest, MalformedPartsAreBadRequests) {
  const StatusCode bad = StatusCode::kBadRequest;
  std::string open = std::string("--") + kBoundary + "\r\n";
  ExpectError(open + "Content-Type: text/plain\r\n\r\nx\r\n" + Close(), bad,
              "no Content-Disposition");
  ExpectError(Part(R"(name="a")", "x", "Content-Disposition: form-data; name=\"b\"\r\n") + Close(),
              bad, "repeats");
  ExpectError(open + "Content-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n" + Close(), bad,
              "not form-data");
  ExpectError(Part(R"(filename="a.csv")", "x") + Close(), bad, "no name");
  ExpectError(Part(R"(name="")", "x") + Close(), bad, "no name");
  ExpectError(Part(R"(name="a"; name="b")", "x") + Close(), bad, "repeats the parameter");
  ExpectError(Part(R"(name="a)", "x") + Close(), bad, "unterminated");
  ExpectError(Part(R"(name="a"; filename*=UTF-8''%zz)", "x") + Close(), bad, "percent escape");
  ExpectError(Part(R"(name="a"; filename*=nonsense)", "x") + Close(), bad, "filename*");
  ExpectError(Part(R"(name="a")", "x", "No colon here\r\n") + Close(), bad, "no valid name");
  ExpectError(Part(R"(name="a")", "x", "Bad Name: 1\r\n") + Close(), bad, "no valid name");
  ExpectError(Part(R"(name="a")", "x", "X-A: a\rb\r\n") + Close(), bad, "control character");
  ExpectError(open + " folded: before any header\r\n\r\nx\r\n" + Close(), bad, "continuation");
  ExpectError(std::string("--") + kBoundary + "junk\r\n", bad, "boundary is followed");
  ExpectError(std::string("--") + kBoundary + "-x\r\n", bad, "boundary is followed");
  ExpectError(std::string("--") + kBoundary + "\r\r\n", bad, "boundary is followed");
  ExpectError(Part(R"(name="a")", "x\r\n--" + std::string(kBoundary) + "x") + Close(), bad,
              "boundary is followed");
}

TEST(MultipartReaderTest, BodyEndingEarlyFailsAtFinish) {
  std::string body = TwoParts();
  size_t closing_end = body.find(Close()) + Close().size() - 2;  // "--b--" read: complete
  for (size_t length = 0; length < body.size(); ++length) {
    Collected got;
    MultipartReader reader = MakeReader(got);
    ASSERT_TRUE(reader.Feed(body.data(), length).ok());
    Status finished = reader.Finish();
    EXPECT_EQ(finished.ok(), length >= closing_end) << length;
    if (!finished.ok()) {
      EXPECT_EQ(finished.code(), StatusCode::kBadRequest);
      EXPECT_NE(finished.message().find("ended before"), std::string::npos);
      EXPECT_EQ(reader.Feed("more").code(), StatusCode::kBadRequest);  // errors stick
    }
  }
}

TEST(MultipartReaderTest, LimitsArePayloadTooLarge) {
  const StatusCode too_large = StatusCode::kPayloadTooLarge;
  std::string big_header = "X-Big: " + std::string(16 << 10, 'h') + "\r\n";
  ExpectError(Part(R"(name="a")", "x", big_header) + Close(), too_large, "headers are larger");
  std::string fits = "X-Big: " + std::string((16 << 10) - 100, 'h') + "\r\n";
  Collected got;
  EXPECT_TRUE(ReadAll(Part(R"(name="a")", "x", fits) + Close(), got).ok());

  std::string headers;
  for (int i = 0; i < 63; ++i) headers += "X-H: " + std::to_string(i) + "\r\n";
  EXPECT_TRUE(ReadAll(Part(R"(name="a")", "x", headers) + Close(), got).ok());  // 64 with C-D
  ExpectError(Part(R"(name="a")", "x", headers + "X-H: 64\r\n") + Close(), too_large,
              "more than 64 headers");

  std::string body;
  for (int i = 0; i < 1000; ++i) body += Part(R"(name="a")", "x");
  EXPECT_TRUE(ReadAll(body + Close(), got).ok());
  ExpectError(body + Part(R"(name="a")", "x") + Close(), too_large, "more than 1000 parts");
  MultipartOptions options;
  options.max_parts = 2;
  ExpectError(Part(R"(name="a")", "") + Part(R"(name="a")", "") + Part(R"(name="a")", "") + Close(),
              too_large, "more than 2 parts", options);
}

TEST(MultipartReaderTest, CallbackReturningFalseAborts) {
  std::string body = TwoParts();
  for (int refuse_at = 0; refuse_at < 2; ++refuse_at) {
    bool start_refuses = refuse_at == 0;
    int calls_after_refusal = 0;
    bool refused = false;
    auto reader = MultipartReader::Make(
        kBoundary,
        [&](const MultipartPart&) {
          if (refused) ++calls_after_refusal;
          refused = refused || start_refuses;
          return !start_refuses;
        },
        [&](const char*, size_t) {
          if (refused) ++calls_after_refusal;
          refused = true;
          return false;
        });
    ASSERT_TRUE(reader.ok());
    Status status = reader->Feed(body);
    EXPECT_TRUE(IsMultipartAborted(status)) << status.message();
    EXPECT_TRUE(IsMultipartAborted(reader->Feed(body)));
    EXPECT_TRUE(IsMultipartAborted(reader->Finish()));
    EXPECT_EQ(calls_after_refusal, 0);
  }
  EXPECT_FALSE(IsMultipartAborted(Status::Internal("other")));
}

TEST(MultipartReaderTest, DataComesInLargeSlicesWithoutBuffering) {
  std::string data(1 << 20, 'd');
  for (size_t i = 0; i < data.size(); i += 1000) data[i] = '\r';
  std::string body = Part(R"(name="a")", data) + Close();
  Collected got;
  MultipartReader reader = MakeReader(got);
  const size_t chunk = 64 << 10;
  size_t most_buffered = 0;
  for (size_t at = 0; at < body.size(); at += chunk) {
    ASSERT_TRUE(reader.Feed(std::string_view(body).substr(at, chunk)).ok());
    most_buffered = std::max(most_buffered, reader.buffered_bytes());
  }
  ASSERT_TRUE(reader.Finish().ok());
  EXPECT_EQ(got.data[0], data);
  EXPECT_LE(got.data_calls, body.size() / chunk + 2);  // one slice per chunk, give or take
  EXPECT_LE(most_buffered, sizeof(kBoundary) + 4);
}

// Random bodies: bytes that look like boundaries, random names, file names and chunking.
class RandomBodies {
 public:
  explicit RandomBodies(uint32_t seed) : rng_(seed) {}

  struct Body {
    std::string boundary, text;
    std::vector<MultipartPart> parts;
    std::vector<std::string> data;
  };

  size_t Uniform(size_t low, size_t high) {
    return std::uniform_int_distribution<size_t>(low, high)(rng_);
  }
  bool OneIn(size_t n) { return Uniform(1, n) == 1; }
  std::mt19937& rng() { return rng_; }

  Body Make(size_t max_parts, size_t max_data) {
    Body body;
    const std::string bchars = "0123456789abcdefXYZ'()+_,-./:=?";
    size_t length = OneIn(4) ? 70 : Uniform(1, 40);
    for (size_t i = 0; i < length; ++i) body.boundary += bchars[Uniform(0, bchars.size() - 1)];
    std::string delimiter = "\r\n--" + body.boundary;
    if (!OneIn(3)) body.text = Bytes(body.boundary, Uniform(0, 50), delimiter) + "\r\n";
    size_t parts = Uniform(0, max_parts);
    for (size_t p = 0; p < parts; ++p) {
      MultipartPart part;
      part.name = Text(Uniform(1, 12));
      std::string disposition = "form-data; name=" + Quote(part.name);
      if (OneIn(4)) {
        part.filename = "\xc3\xa9t\xc3\xa9 " + Text(Uniform(0, 8)) + ".csv";
        disposition += "; filename=\"ignored\"; filename*=UTF-8''" + PercentEncode(part.filename);
      } else if (!OneIn(3)) {
        part.filename = Text(Uniform(0, 20));
        disposition += "; filename=" + Quote(part.filename);
      }
      if (OneIn(2)) part.content_type = "text/csv";
      std::string data = Bytes(body.boundary, Uniform(0, max_data), delimiter);
      body.text += "--" + body.boundary + std::string(Uniform(0, 2), ' ') + "\r\n";
      body.text +=
          (OneIn(2) ? "Content-Disposition: " : "content-disposition:") + disposition + "\r\n";
      if (!part.content_type.empty()) body.text += "Content-Type: " + part.content_type + "\r\n";
      if (OneIn(3)) body.text += "X-Extra: " + Text(Uniform(0, 30)) + "\r\n";
      body.text += "\r\n" + data + "\r\n";
      body.parts.push_back(std::move(part));
      body.data.push_back(std::move(data));
    }
    body.text += "--" + body.boundary + "--";
    if (!OneIn(3)) body.text += "\r\n" + Bytes(body.boundary, Uniform(0, 50), "");  // epilogue
    return body;
  }

 private:
  // Printable text, quotes and backslashes included.
  std::string Text(size_t size) {
    std::string out;
    for (size_t i = 0; i < size; ++i) out += static_cast<char>(Uniform(0x20, 0x7e));
    return out;
  }
  static std::string Quote(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }
  static std::string PercentEncode(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
      if (std::isalnum(c)) {
        out += static_cast<char>(c);
      } else {
        char escaped[4];
        std::snprintf(escaped, sizeof escaped, "%%%02X", c);
        out += escaped;
      }
    }
    return out;
  }
  // Bytes rich in CR, LF, '-' and beginnings of the delimiter, but never the delimiter itself.
  std::string Bytes(const std::string& boundary, size_t size, const std::string& delimiter) {
    std::string out;
    while (out.size() < size) {
      switch (Uniform(0, 5)) {
        case 0:
          out += "\r\n--" + boundary.substr(0, Uniform(0, boundary.size() - 1));
          break;
        case 1:
          out += "--" + boundary;
          break;
        case 2:
          out += "\r\n"[Uniform(0, 1)];
          break;
        case 3:
          out += '-';
          break;
        default:
          out += static_cast<char>(Uniform(0, 255));
          break;
      }
      // A delimiter may follow the line end before the bytes, hence the "\r\n".
      while (!delimiter.empty() && ("\r\n" + out).find(delimiter) != std::string::npos)
        out.pop_back();
    }
    return out;
  }

  std::mt19937 rng_;
};

// Feeds a body in random chunks, checking the memory bound after each.
Status FeedInChunks(MultipartReader& reader, const std::string& text, RandomBodies& random,
                    size_t bound) {
  size_t most = random.OneIn(8) ? text.size() : random.OneIn(2) ? 1 : random.Uniform(1, 200);
  for (size_t at = 0; at < text.size();) {
    size_t size = std::min(random.Uniform(1, std::max<size_t>(most, 1)), text.size() - at);
    Status status = reader.Feed(text.data() + at, size);
    EXPECT_LE(reader.buffered_bytes(), bound);
    if (!status.ok()) return status;
    at += size;
  }
  return reader.Finish();
}

TEST(MultipartReaderPropertyTest, RandomBodiesInRandomChunksGiveBackTheirParts) {
  RandomBodies random(20240611);
  for (int iteration = 0; iteration < 2000; ++iteration) {
    RandomBodies::Body body = random.Make(6, 400);
    Collected got;
    MultipartReader reader = MakeReader(got, body.boundary);
    size_t bound = body.boundary.size() + 4 + MultipartOptions::Defaults().max_header_bytes;
    Status status = FeedInChunks(reader, body.text, random, bound);
    ASSERT_TRUE(status.ok()) << iteration << ": " << status.message();
    ASSERT_EQ(got.parts.size(), body.parts.size()) << iteration;
    for (size_t i = 0; i < got.parts.size(); ++i) {
      EXPECT_EQ(got.parts[i].name, body.parts[i].name) << iteration;
      EXPECT_EQ(got.parts[i].filename, body.parts[i].filename) << iteration;
      EXPECT_EQ(got.parts[i].content_type, body.parts[i].content_type) << iteration;
      ASSERT_EQ(got.data[i], body.data[i]) << iteration << " part " << i;
    }
    EXPECT_FALSE(got.empty_slice);
    EXPECT_FALSE(got.orphan_bytes);
  }
}

TEST(MultipartReaderPropertyTest, MangledBodiesNeverCrashOrOverrunTheBound) {
  RandomBodies random(7);
  size_t failures = 0;
  const int kIterations = 4000;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    RandomBodies::Body body = random.Make(4, 200);
    std::string& text = body.text;
    for (size_t edits = random.Uniform(1, 4); edits > 0 && !text.empty(); --edits) {
      size_t at = random.Uniform(0, text.size() - 1);
      switch (random.Uniform(0, 4)) {
        case 0:
          text[at] = static_cast<char>(random.Uniform(0, 255));
          break;
        case 1:
          text[at] = "\r\n-\"; "[random.Uniform(0, 5)];
          break;
        case 2:
          text.resize(at);
          break;
        case 3:
          text.insert(at, "\r\n--" + body.boundary);
          break;
        default:
          text.insert(at, text.substr(random.Uniform(0, at), random.Uniform(0, 64)));
          break;
      }
    }
    MultipartOptions options;
    if (random.OneIn(4)) options = {.max_parts = 2, .max_header_bytes = 80, .max_headers = 2};
    Collected got;
    MultipartReader reader = MakeReader(got, body.boundary, options);
    Status status =
        FeedInChunks(reader, text, random, body.boundary.size() + 4 + options.max_header_bytes);
    if (!status.ok()) {
      ++failures;
      EXPECT_TRUE(status.code() == StatusCode::kBadRequest ||
                  status.code() == StatusCode::kPayloadTooLarge)
          << status.message();
    }
    size_t delivered = 0;
    for (const std::string& data : got.data) delivered += data.size();
    EXPECT_LE(delivered, text.size());
    EXPECT_LE(got.parts.size(), options.max_parts);
    EXPECT_FALSE(got.empty_slice);
  }
  std::cout << "[ mangled  ] " << failures << " of " << kIterations << " bodies refused\n";
  EXPECT_GT(failures, 0u);  // the edits do break bodies: the test exercises the error paths
}

TEST(MultipartReaderThroughputTest, ReportsMegabytesPerSecond) {
  // CSV with CRLF line ends: every line end is a candidate the scan must reject.
  std::string lines;
  std::mt19937 rng(1);
  while (lines.size() < (size_t{1} << 20))
    lines += std::to_string(rng()) + "," + std::to_string(rng()) + ",label\r\n";
  std::string csv;
  for (int i = 0; i < 64; ++i) csv += lines;
  std::string body = Part(R"(name="files"; filename="big.csv")", csv) + Close();
  size_t received = 0;
  auto reader = MultipartReader::Make(
      kBoundary, [](const MultipartPart&) { return true; },
      [&received](const char*, size_t size) {
        received += size;
        return true;
      });
  ASSERT_TRUE(reader.ok());
  const size_t chunk = 64 << 10;
  auto started = std::chrono::steady_clock::now();
  for (size_t at = 0; at < body.size(); at += chunk) {
    ASSERT_TRUE(reader->Feed(std::string_view(body).substr(at, chunk)).ok());
  }
  ASSERT_TRUE(reader->Finish().ok());
  std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(received, csv.size());
  std::cout << "[ speed    ] " << body.size() / (1 << 20)
            << " MiB in 64 KiB chunks: " << static_cast<int>(body.size() / 1e6 / seconds.count())
            << " MB/s\n";
}

}  // namespace
}  // namespace dataml::http
