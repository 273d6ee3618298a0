/// Builds the SMS-SUBMIT PDUs for an outgoing message: segmentation by ``Segmenter`` (optimal alphabet and table
/// pair, no escape pair / surrogate pair / grapheme cluster cut), then per part the user data header
/// (concatenation IEI 00/08 with the caller's reference, national language shifts IEI 25/24, application ports),
/// TP-MR, TP-SRR, TP-VP, TP-RD, the message class, and the SMSC prefix AT+CMGS expects (TS 27.005 §3.5.1).
///
/// ```swift
/// var options = SMSEncodingOptions()
/// options.messageReference = nextMR          // part i gets nextMR + i, wrapping 255 → 0
/// options.concatenationReference = nextRef   // chosen and persisted per destination by the caller
/// let message = try SMSEncoder.encode(text: "Hello", to: "+4917…", options: options)
/// for part in message.parts { modem.send(pdu: part.hex, length: part.tpduLength) }
/// ```
public enum SMSEncoder {
    /// Encodes a text message.
    /// - Throws: ``SMSEncodingError``: a destination or SMSC that is not a number, a text that needs more than
    ///   255 parts, or options that leave no room for text.
    public static func encode(
        text: String,
        to destination: String,
        options: SMSEncodingOptions = SMSEncodingOptions()
    ) throws(SMSEncodingError) -> EncodedMessage {
        let segmented: SegmentedText
        do {
            segmented = try Segmenter.segment(text, options: options.segmentationOptions)
        } catch {
            throw .segmentation(error)
        }
        return try build(segmented, to: destination, options: options)
    }

    /// Encodes 8-bit data (e.g. a WAP push with ``SMSEncodingOptions/ports``): 140 octets per single part, 134
    /// (133 with a 16-bit reference) per concatenated part, less the port element.
    /// - Throws: ``SMSEncodingError`` as ``encode(text:to:options:)``.
    public static func encode(
        data: [UInt8],
        to destination: String,
        options: SMSEncodingOptions = SMSEncodingOptions()
    ) throws(SMSEncodingError) -> EncodedMessage {
        let segmented: SegmentedText
        do {
            segmented = try Segmenter.segment(data: data, options: options.segmentationOptions)
        } catch {
            throw .segmentation(error)
        }
        return try build(segmented, to: destination, options: options)
    }

    /// Encodes a text as the SMS-DELIVER PDUs a service centre would hand to the recipient (for the simulated
    /// network and tests): same segmentation and header as ``encode(text:to:options:)``, with TP-OA `from` (a number,
    /// or an alphanumeric sender name of up to 11 GSM 7-bit characters) and TP-SCTS `timestamp`.
    /// ``SMSEncodingOptions/serviceCentre`` fills the SMSC prefix; TP-MR, TP-VP, TP-RD and TP-SRR do not apply
    /// (`statusReportRequest` sets TP-SRI).
    /// - Throws: ``SMSEncodingError`` as ``encode(text:to:options:)``.
    public static func encodeDeliver(
        text: String,
        from originator: String,
        timestamp: SMSTimestamp,
        options: SMSEncodingOptions = SMSEncodingOptions()
    ) throws(SMSEncodingError) -> [SMSPDU] {
        let address: SMSAddress
        do {
            do {
                address = try SMSAddress(number: originator)
            } catch {
                address = try SMSAddress(alphanumeric: originator)
            }
        } catch {
            throw .invalidAddress(error)
        }
        // Build the SUBMITs, then move their user data into DELIVERs: one code path for headers and splitting.
        let submits = try encode(text: text, to: "0", options: options)
        return submits.parts.enumerated().map { index, part in
            guard case .submit(let submit) = part.pdu.tpdu else { return part.pdu }
            let deliver = SMSDeliver(
                originator: address,
                protocolIdentifier: submit.protocolIdentifier,
                dataCodingScheme: submit.dataCodingScheme,
                serviceCentreTimestamp: timestamp,
                userData: submit.userData,
                moreMessagesToSend: index + 1 < submits.parts.count,
                statusReportIndication: options.statusReportRequest
            )
            return SMSPDU(serviceCentre: part.pdu.serviceCentre, tpdu: .deliver(deliver))
        }
    }

    /// Turns a segmentation into PDUs (exposed so that a caller can segment once, show the part count, then send).
    public static func build(
        _ segmented: SegmentedText,
        to destination: String,
        options: SMSEncodingOptions
    ) throws(SMSEncodingError) -> EncodedMessage {
        let address: SMSAddress
        let smsc: SMSAddress
        do {
            address = try SMSAddress(number: destination)
            smsc =
                try options.serviceCentre.map { (number) throws(PDUError) in
                    try SMSAddress(number: number, kind: .serviceCentre)
                } ?? .emptyServiceCentre
        } catch {
            throw .invalidAddress(error)
        }

        let alphabet: SMSAlphabet
        switch segmented.alphabet {
        case .gsm7: alphabet = .gsm7
        case .ucs2: alphabet = .ucs2
        case .eightBit: alphabet = .eightBit
        }
        let dcs = DataCodingScheme(alphabet: alphabet, messageClass: options.messageClass)
        let total = segmented.parts.count

        var parts: [EncodedPart] = []
        parts.reserveCapacity(total)
        for (index, segment) in segmented.parts.enumerated() {
            var elements: [InformationElement] = []
            if total > 1 {
                elements.append(
                    Concatenation(
                        reference: options.referenceBits == .sixteen
                            ? options.concatenationReference : options.concatenationReference & 0xFF,
                        referenceBits: options.referenceBits.rawValue,
                        total: UInt8(total),
                        sequence: UInt8(index + 1)
                    ).element
                )
            }
            for (iei, language) in segmented.alphabet.nationalLanguageElements {
                elements.append(InformationElement(identifier: iei, data: [language.rawValue]))
            }
            if let ports = options.ports { elements.append(ports.element) }
            let header = elements.isEmpty ? nil : UserDataHeader(elements: elements)

            let userData: UserData
            do {
                switch alphabet {
                case .gsm7: userData = try UserData(header: header, septets: segment.units)
                case .ucs2, .eightBit:
                    userData = try UserData(header: header, octets: segment.units, alphabet: alphabet)
                }
            } catch {
                throw .partTooLong(error)
            }
            let mr =
                options.incrementsMessageReference
                ? options.messageReference &+ UInt8(truncatingIfNeeded: index) : options.messageReference
            let submit = SMSSubmit(
                messageReference: mr,
                destination: address,
                protocolIdentifier: options.protocolIdentifier,
                dataCodingScheme: dcs,
                validityPeriod: options.validityPeriod,
                userData: userData,
                statusReportRequest: options.statusReportRequest,
                rejectDuplicates: options.rejectDuplicates
            )
            parts.append(EncodedPart(pdu: SMSPDU(serviceCentre: smsc, tpdu: .submit(submit)), text: segment.text))
        }
        return EncodedMessage(alphabet: segmented.alphabet, parts: parts)
    }
}

/// What the encoder may put in every SMS-SUBMIT.
public struct SMSEncodingOptions: Hashable, Sendable {
    /// The SMSC number for the PDU-mode prefix; `nil` writes `00` (the modem uses AT+CSCA).
    public var serviceCentre: String?
    /// TP-MR of the first part; part i gets `messageReference + i`, wrapping 255 → 0 (TS 23.040 §9.2.3.6: each
    /// SMS-SUBMIT has its own reference, so status reports can be matched per part).
    public var messageReference: UInt8
    /// Whether successive parts get successive TP-MRs (the default). `false` repeats ``messageReference`` in every
    /// part, as python-messaging and python-gsmmodem do (and as modems that overwrite TP-MR anyway accept).
    public var incrementsMessageReference: Bool
    /// The concatenation reference (only its low 8 bits with 8-bit references). The caller picks it per
    /// destination and persists the counter across restarts.
    public var concatenationReference: UInt16
    /// IEI 00 (8-bit, the default) or IEI 08 (16-bit).
    public var referenceBits: SegmentationOptions.ReferenceBits
    /// National language tables the segmenter may choose (off by default).
    public var nationalLanguages: SegmentationOptions.NationalLanguages
    /// Use UCS-2 even when GSM 7-bit could carry the text.
    public var forceUCS2: Bool
    /// TP-VP; `nil` sends none (TP-VPF 00).
    public var validityPeriod: ValidityPeriod?
    /// TP-SRR.
    public var statusReportRequest: Bool
    /// TP-RD.
    public var rejectDuplicates: Bool
    /// The message class in the DCS (class 0 = flash), `nil` for none.
    public var messageClass: MessageClass?
    /// Application ports for every part (IEI 04/05).
    public var ports: ApplicationPorts?
    /// TP-PID (0: plain SME-to-SME).
    public var protocolIdentifier: UInt8

    public init(
        serviceCentre: String? = nil,
        messageReference: UInt8 = 0,
        incrementsMessageReference: Bool = true,
        concatenationReference: UInt16 = 0,
        referenceBits: SegmentationOptions.ReferenceBits = .eight,
        nationalLanguages: SegmentationOptions.NationalLanguages = .none,
        forceUCS2: Bool = false,
        validityPeriod: ValidityPeriod? = nil,
        statusReportRequest: Bool = false,
        rejectDuplicates: Bool = false,
        messageClass: MessageClass? = nil,
        ports: ApplicationPorts? = nil,
        protocolIdentifier: UInt8 = 0
    ) {
        self.serviceCentre = serviceCentre
        self.messageReference = messageReference
        self.incrementsMessageReference = incrementsMessageReference
        self.concatenationReference = concatenationReference
        self.referenceBits = referenceBits
        self.nationalLanguages = nationalLanguages
        self.forceUCS2 = forceUCS2
        self.validityPeriod = validityPeriod
        self.statusReportRequest = statusReportRequest
        self.rejectDuplicates = rejectDuplicates
        self.messageClass = messageClass
        self.ports = ports
        self.protocolIdentifier = protocolIdentifier
    }

    var segmentationOptions: SegmentationOptions {
        SegmentationOptions(
            referenceBits: referenceBits,
            nationalLanguages: nationalLanguages,
            extraHeaderOctets: ports.map { $0.element.data.count + 2 } ?? 0,
            forceUCS2: forceUCS2
        )
    }
}

/// The PDUs of one outgoing message.
public struct EncodedMessage: Hashable, Sendable {
    /// The coding the segmenter chose.
    public let alphabet: SegmentedText.Alphabet
    /// One SMS-SUBMIT per part, in sequence order.
    public let parts: [EncodedPart]
}

/// One SMS-SUBMIT ready for AT+CMGS.
public struct EncodedPart: Hashable, Sendable {
    /// The PDU (SMSC prefix included).
    public let pdu: SMSPDU
    /// The part's text (empty for 8-bit data).
    public let text: String

    /// The PDU octets, SMSC prefix included: what AT+CMGS takes in PDU mode.
    public var bytes: [UInt8] { pdu.encoded() }
    /// Upper-case hex of ``bytes``.
    public var hex: String { pdu.hex }
    /// Octets after the SMSC prefix: the `<length>` of `AT+CMGS=<length>`.
    public var tpduLength: Int { pdu.tpduLength }
    /// TP-MR of this part (to match status reports).
    public var messageReference: UInt8 {
        if case .submit(let submit) = pdu.tpdu { return submit.messageReference }
        return 0
    }
}

/// Why a message could not be encoded.
public enum SMSEncodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The destination or SMSC is not a dialable number (digits, `*#abc`, optional leading "+", ≤ 20 digits).
    case invalidAddress(PDUError)
    /// The segmenter refused: more than 255 parts, or no room for text.
    case segmentation(SegmentationError)
    /// A part does not fit its user data (a header and segmentation that disagree).
    case partTooLong(PDUError)

    public var description: String {
        switch self {
        case .invalidAddress(let e): "invalid address: \(e.reason)"
        case .segmentation(let e): "cannot segment: \(e.description)"
        case .partTooLong(let e): "part too long: \(e.reason)"
        }
    }
}
