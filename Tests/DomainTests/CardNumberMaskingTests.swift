import Testing
import Domain

@Suite("Card numbers are masked before anything is stored")
struct CardNumberMaskingTests {
    @Test func cardNumbersInStringsNumbersAndFormsKeepOnlyTheirLastFour() {
        #expect(
            CardNumberMasking.maskJSON(#"{"card":"4111111111111111","n":5499740000000057}"#)
                == #"{"card":"************1111","n":"************0057"}"#)
        #expect(CardNumberMasking.maskJSON(#"{"note":"paid with 4012 0000 9876 5439 today"}"#) == #"{"note":"paid with ************5439 today"}"#)
        #expect(CardNumberMasking.maskJSON(#"{"amex":"3714-496353-98431"}"#) == #"{"amex":"***********8431"}"#)
        #expect(CardNumberMasking.maskText("parmList=ORDERID~7|CARDNUMBER~6011000993026909|") == "parmList=ORDERID~7|CARDNUMBER~************6909|")
    }

    @Test func otherNumbersAreLeftAlone() {
        let untouched = [
            #"{"server_time":1718115953625}"#,  // a timestamp (starts with 1)
            #"{"card":"4111111111111112"}"#,  // fails Luhn
            #"{"id":"ORD4111111111111111"}"#,  // inside a longer token
            #"{"amount":4111111111111111.5}"#,  // a number with a fraction
            #"{"phone":"555-0100","zip":"99201"}"#,  // too short
        ]
        #expect(CardNumberMasking.maskJSON(untouched[0]) == untouched[0])
        #expect(CardNumberMasking.maskJSON(untouched[1]) == untouched[1])
        #expect(CardNumberMasking.maskJSON(untouched[2]) == untouched[2])
        #expect(CardNumberMasking.maskJSON(untouched[3]) == untouched[3])
        #expect(CardNumberMasking.maskJSON(untouched[4]) == untouched[4])
        // After an escaped quote the text is still inside a string: masked as string content.
        #expect(CardNumberMasking.maskJSON(#"{"escaped":"a\"4111111111111111"}"#) == #"{"escaped":"a\"************1111"}"#)
    }

    /// The ways the hardening review got 4111111111111111 past the masker (issue 14, item 4).
    @Test func everyWayOfWritingACardNumberIsMasked() {
        let written = [
            #"{"card":"\u0034111111111111111"}"#,  // a JSON escape
            #"{"card":"\u0034\u0031\u0031\u0031 1111 1111 1111"}"#,  // escapes and spaces
            #"{"card":4111111111111111e0}"#,  // a number with an exponent
            #"{"card":4111111111111111.0}"#,  // a number with a zero fraction
            #"{"card":4.111111111111111e15}"#,  // a number in scientific form
            #"{"card":4111111111111111E+0}"#,
            #"{"card":"4111.1111.1111.1111"}"#,  // dots
            #"{"card":"4111_1111_1111_1111"}"#,  // underscores
            #"{"card":"4111/1111/1111/1111"}"#,  // slashes
            #"{"card":"4111  1111  1111  1111"}"#,  // double spaces
            #"{"card":"4111 - 1111 - 1111 - 1111"}"#,  // spaced dashes
            #"{"note":"order 12 4111 1111 1111 1111 shipped"}"#,  // inside a longer run of groups
            #"{"card":"4111111111111111.00"}"#,  // a number with cents, as text
            #"{"a":["x",{"b":[4111111111111111]}]}"#,  // nested
        ]
        for text in written {
            let masked = CardNumberMasking.maskJSON(text)
            #expect(!masked.contains("4111111111111111") && !masked.contains("4111") && masked.contains("*"), "\(text) → \(masked)")
        }
        #expect(CardNumberMasking.maskJSON(#"{"card":4111111111111111e0}"#) == #"{"card":"************1111"}"#)
        #expect(
            CardNumberMasking.maskJSON(#"{"card":"\u0034111111111111111","n":"caf\u00e9"}"#) == #"{"card":"************1111","n":"caf\u00e9"}"#,
            "an untouched string keeps its spelling")
        for text in ["4111.1111.1111.1111", "4111_1111_1111_1111", "4111/1111/1111/1111", "4111  1111  1111  1111", "pan=4111111111111111;"] {
            #expect(!CardNumberMasking.maskText(text).contains("4111"), "\(text)")
        }
        #expect(CardNumberMasking.maskText("4111.1111.1111.1111") == "************1111")
    }

    @Test func whatLooksLikeButIsNotACardStays() {
        for text in [
            #"{"amount":4111111111111111.5}"#, #"{"n":4111111111111112e0}"#, #"{"ts":"2026-12-05 15:05:02"}"#, #"{"ip":"192.168.100.200"}"#,
            #"{"big":1e400}"#, #"{"v":-0.5e-3}"#, #"{"s":"a\"b"}"#,
        ] {
            #expect(CardNumberMasking.maskJSON(text) == text, "\(text)")
        }
    }
}
