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
}
